package dev.lakead.sql;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.Tuple3;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

import java.util.ArrayList;
import java.util.List;

/**
 * lakead's SQL functions in any Spark session started with
 * {@code spark.sql.extensions=dev.lakead.sql.LakeadExtensions} (spark-sql, spark-submit, the Thrift server):
 * <ul>
 *   <li>{@code SELECT * FROM lakead_score('<bundle uri>', '<table>')}: the table's rows with {@code anomaly_score}
 *       and {@code is_anomaly}, scored in batches per partition like the score job;</li>
 *   <li>{@code lakead_anomaly_score('<bundle uri>', f1, f2, ...)} and {@code lakead_is_anomaly(...)}: one row's
 *       score and decision, the feature values in the bundle's order.</li>
 * </ul>
 * {@link #registerIn(SparkSession)} adds the same functions to a session that is already running (a notebook's).
 */
public final class LakeadExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    private static final String CLASS = LakeadExtensions.class.getName();

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectTableFunction(tableFunction());
        scalarFunctions().forEach(extensions::injectFunction);
        return BoxedUnit.UNIT;
    }

    /** Registers the functions in a running session (for one that was not started with the extension). */
    public static void registerIn(SparkSession spark) {
        Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, LogicalPlan>> table = tableFunction();
        spark.sessionState().tableFunctionRegistry().registerFunction(table._1(), table._2(), table._3());
        for (Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> f : scalarFunctions()) {
            spark.sessionState().functionRegistry().registerFunction(f._1(), f._2(), f._3());
        }
    }

    private static Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, LogicalPlan>> tableFunction() {
        return new Tuple3<>(FunctionIdentifier.apply(ScoreTableFunction.NAME), info(ScoreTableFunction.NAME,
                ScoreTableFunction.USAGE, "The table's rows with anomaly_score (double) and is_anomaly (boolean)."),
                ScoreTableFunction::build);
    }

    private static List<Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>>
    scalarFunctions() {
        List<Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>> out =
                new ArrayList<>();
        for (ScalarScoreFunction.Output output : ScalarScoreFunction.Output.values()) {
            out.add(new Tuple3<>(FunctionIdentifier.apply(output.sqlName), info(output.sqlName, output.usage(),
                    output == ScalarScoreFunction.Output.SCORE
                            ? "The row's anomaly score (double); feature values in the bundle's feature order."
                            : "Whether the row's anomaly score is above the bundle's threshold (boolean)."),
                    args -> ScalarScoreFunction.build(output, args)));
        }
        return out;
    }

    private static ExpressionInfo info(String name, String usage, String description) {
        return new ExpressionInfo(CLASS, null, name, usage + " - " + description, "", "", "", "misc_funcs", "", "",
                "");
    }
}
