package dev.lakead.sql;

import dev.lakead.LakeadException;
import dev.lakead.ml.AnomalyDetectionModel;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.Seq;

/**
 * {@code lakead_score('<bundle uri>', '<table>')}: the table's rows with {@code anomaly_score} and
 * {@code is_anomaly} added, i.e. the plan of {@link AnomalyDetectionModel#transform} on the table: scored on the
 * executors per partition in batches, by the same code as the score job.
 */
final class ScoreTableFunction {
    static final String NAME = "lakead_score";
    static final String USAGE = NAME + "('<bundle uri>', '<table or db.table>')";

    private ScoreTableFunction() {
    }

    static LogicalPlan build(Seq<Expression> arguments) {
        SqlArguments args = new SqlArguments(NAME, USAGE, arguments).requireCount(2, 2);
        String bundle = args.constantString(0, "the bundle URI");
        String table = args.constantString(1, "the table");
        SparkSession spark = SparkSession.active();
        if (!spark.catalog().tableExists(table)) {
            throw args.error("table '" + table + "' does not exist");
        }
        AnomalyDetectionModel model = load(args, bundle);
        try {
            return model.transform(spark.table(table)).queryExecution().analyzed();
        } catch (IllegalArgumentException | LakeadException e) { // a feature column missing or not numeric, ...
            throw args.error("bundle " + bundle + " cannot score table '" + table + "': " + e.getMessage(), e);
        }
    }

    private static AnomalyDetectionModel load(SqlArguments args, String bundle) {
        try {
            return DriverModels.get(bundle);
        } catch (LakeadException e) {
            throw args.error(e.getMessage(), e); // "Model bundle <uri> does not exist", "... is damaged: ..."
        }
    }
}
