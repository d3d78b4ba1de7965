package dev.lakead.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * lakead's SQL functions in any Spark session started with
 * {@code spark.sql.extensions=dev.lakead.sql.LakeadExtensions} (spark-sql, spark-submit, the Thrift server):
 * <ul>
 *   <li>{@code SELECT * FROM lakead_score('<bundle uri>', '<table>')}: the table's rows with {@code anomaly_score}
 *       and {@code is_anomaly}, scored in batches per partition like the score job;</li>
 *   <li>{@code lakead_anomaly_score('<bundle uri>', f1, f2, ...)} and {@code lakead_is_anomaly(...)}: one row's
 *       score and decision, the feature values in the bundle's order.</li>
 * </ul>
 */
public final class LakeadExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    private static final String CLASS = LakeadExtensions.class.getName();

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectTableFunction(new Tuple3<>(FunctionIdentifier.apply(ScoreTableFunction.NAME),
                info(ScoreTableFunction.NAME, ScoreTableFunction.USAGE,
                        "The table's rows with anomaly_score (double) and is_anomaly (boolean) added."),
                ScoreTableFunction::build));
        for (ScalarScoreFunction.Output output : ScalarScoreFunction.Output.values()) {
            extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(output.sqlName),
                    info(output.sqlName, output.usage(), output == ScalarScoreFunction.Output.SCORE
                            ? "The row's anomaly score (double); feature values in the bundle's feature order."
                            : "Whether the row's anomaly score is above the bundle's threshold (boolean)."),
                    args -> ScalarScoreFunction.build(output, args)));
        }
        return BoxedUnit.UNIT;
    }

    private static ExpressionInfo info(String name, String usage, String description) {
        return new ExpressionInfo(CLASS, null, name, usage + " - " + description, "", "", "", "misc_funcs", "", "",
                "");
    }
}
