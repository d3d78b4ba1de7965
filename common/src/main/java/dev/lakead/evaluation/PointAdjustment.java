package dev.lakead.evaluation;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The point-adjusted evaluation of time-series papers: a labelled anomaly segment (consecutive anomalous records of
 * one entity in time order) counts as detected in full when any of its records is flagged; normal records keep
 * their own decision. Computed with window functions on the executors.
 */
public final class PointAdjustment {
    private PointAdjustment() {
    }

    /**
     * @param labelled rows with the 0/1 label {@link BinaryEvaluator#LABEL} and the boolean prediction column
     */
    public static ConfusionMatrix confusion(Dataset<Row> labelled, String entity, String time, String prediction) {
        Column y = col(BinaryEvaluator.LABEL);
        WindowSpec byTime = Window.partitionBy(col(entity)).orderBy(col(time));
        Column previous = lag(y, 1).over(byTime);
        Column starts = when(y.equalTo(1).and(previous.isNull().or(previous.notEqual(1))), 1).otherwise(0);
        Dataset<Row> segmented = labelled.where(y.isNotNull())
                .withColumn("__starts", starts)
                .withColumn("__segment", sum(col("__starts")).over(byTime.rowsBetween(Window.unboundedPreceding(),
                        Window.currentRow())))
                .withColumn("__hit", max(col(prediction).cast("int")).over(
                        Window.partitionBy(col(entity), col("__segment"), y)));
        Column adjusted = when(y.equalTo(1), col("__hit").equalTo(1)).otherwise(col(prediction));
        Row c = segmented.agg(count(lit(1)),
                sum(when(y.equalTo(0).and(adjusted.equalTo(false)), 1).otherwise(0)),
                sum(when(y.equalTo(0).and(adjusted), 1).otherwise(0)),
                sum(when(y.equalTo(1).and(adjusted.equalTo(false)), 1).otherwise(0)),
                sum(when(y.equalTo(1).and(adjusted), 1).otherwise(0))).first();
        return new ConfusionMatrix(longAt(c, 1), longAt(c, 2), longAt(c, 3), longAt(c, 4));
    }

    private static long longAt(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }
}
