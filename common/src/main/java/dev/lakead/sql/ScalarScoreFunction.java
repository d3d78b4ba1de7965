package dev.lakead.sql;

import dev.lakead.LakeadException;
import dev.lakead.scoring.RealtimeScorer;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import scala.collection.Seq;

import java.util.ArrayList;
import java.util.List;

/**
 * The scalar forms for ad-hoc rows: {@code lakead_anomaly_score('<bundle uri>', f1, f2, ...)} (double) and
 * {@code lakead_is_anomaly('<bundle uri>', f1, f2, ...)} (boolean), the feature values in the bundle's feature
 * order. Each row is scored on the executors by the bundle's {@link RealtimeScorer} (read once per JVM); a null
 * value is imputed as in training.
 */
final class ScalarScoreFunction {
    /** What a scalar function returns. */
    enum Output {
        SCORE("lakead_anomaly_score", DataTypes.DoubleType),
        DECISION("lakead_is_anomaly", DataTypes.BooleanType);

        final String sqlName;
        final DataType type;

        Output(String sqlName, DataType type) {
            this.sqlName = sqlName;
            this.type = type;
        }

        String usage() {
            return sqlName + "('<bundle uri>', <feature 1>, <feature 2>, ...)";
        }
    }

    private ScalarScoreFunction() {
    }

    static Expression build(Output output, Seq<Expression> arguments) {
        SqlArguments args = new SqlArguments(output.sqlName, output.usage(), arguments)
                .requireCount(2, Integer.MAX_VALUE);
        String bundle = args.constantString(0, "the bundle URI");
        RealtimeScorer scorer;
        try {
            scorer = ExecutorScorers.prototype(bundle); // on the driver: checks the bundle before any task runs
        } catch (LakeadException e) {
            throw args.error(e.getMessage(), e);
        }
        List<String> features = scorer.featureColumns();
        List<Expression> values = args.from(1);
        if (values.size() != features.size()) {
            throw args.error("bundle " + bundle + " takes " + features.size() + " feature values in this order: "
                    + String.join(", ", features) + "; got " + values.size());
        }
        List<Column> doubles = new ArrayList<>();
        for (int j = 0; j < values.size(); j++) {
            DataType t = values.get(j).dataType();
            if (!(t instanceof NumericType) && !(t instanceof NullType)) {
                throw args.error("argument " + (j + 2) + " (feature '" + features.get(j) + "' of bundle " + bundle
                        + ") must be numeric, got " + t.simpleString() + " " + values.get(j).sql());
            }
            doubles.add(new Column(values.get(j)).cast(DataTypes.DoubleType));
        }
        Threshold threshold = scorer.threshold();
        if (output == Output.DECISION && threshold.perSegment()) {
            throw args.error("bundle " + bundle + " has one threshold per " + threshold.segmentColumn()
                    + ", which is not a feature; use lakead_score on a table that has that column");
        }
        UserDefinedFunction udf = functions.udf(scoring(bundle, output), output.type).withName(output.sqlName);
        return udf.apply(functions.array(doubles.toArray(new Column[0]))).expr();
    }

    /** The per-row function the executors run: the bundle's URI goes with it, its scorer is read there. */
    private static UDF1<Seq<Object>, Object> scoring(String bundle, Output output) {
        return values -> {
            double[] row = new double[values.size()];
            for (int j = 0; j < row.length; j++) {
                Object v = values.apply(j);
                row[j] = v == null ? Double.NaN : ((Number) v).doubleValue();
            }
            RealtimeScorer scorer = ExecutorScorers.forThisThread(bundle);
            double score = scorer.scoreValues(new double[][]{row})[0];
            return output == Output.SCORE ? (Object) score : (Object) (score > scorer.threshold().value());
        };
    }
}
