package dev.lakead.features;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.TimestampType;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Sliding windows over multivariate time series, built in Spark per entity and ordered by time (4.5.1's
 * create_sequences, distributed). A gap larger than {@code maxGap} between consecutive records starts a new
 * segment, and windows never span two segments. Windows start every {@code stride} positions; one more window is
 * aligned to the end of each segment so that its last records are covered too, and a segment shorter than the
 * window gets one window padded with its last record.
 */
public final class SlidingWindows {
    public static final String SEGMENT = "__segment";
    public static final String POS = "__pos";
    public static final String SEGMENT_LENGTH = "__segment_length";
    public static final String START = "__start";
    public static final String STEPS = "__steps";

    private SlidingWindows() {
    }

    /**
     * Adds {@value #SEGMENT}, {@value #POS} (0-based position in the segment) and {@value #SEGMENT_LENGTH}.
     *
     * @param maxGap largest allowed time step (seconds for timestamps, units for numeric times); 0 = no limit
     */
    public static Dataset<Row> positions(Dataset<Row> rows, String entity, String time, double maxGap) {
        java.util.List<String> columns = java.util.Arrays.asList(rows.columns());
        for (String[] c : new String[][]{{entity, "timeseries.entity-column"}, {time, "timeseries.time-column"}}) {
            if (!columns.contains(c[0])) {
                throw new dev.lakead.LakeadException("Column '" + c[0] + "' (setting '" + c[1] + "') is not in the"
                        + " data (columns: " + String.join(", ", columns) + "); a time-series model needs it: set "
                        + c[1] + " for the preprocess job too, which then keeps it with the features");
            }
        }
        if (!(rows.schema().apply(time).dataType() instanceof NumericType)
                && !(rows.schema().apply(time).dataType() instanceof TimestampType)) {
            throw new dev.lakead.LakeadException("Time column '" + time + "' must be a timestamp or a number, got "
                    + rows.schema().apply(time).dataType().simpleString());
        }
        Column t = col(time).cast(DataTypes.DoubleType); // timestamps become epoch seconds
        WindowSpec byTime = Window.partitionBy(col(entity)).orderBy(col(time));
        Column previous = lag(t, 1).over(byTime);
        Column breaks = maxGap > 0 ? when(previous.isNotNull().and(t.minus(previous).gt(maxGap)), 1).otherwise(0)
                : lit(0);
        Dataset<Row> withSegment = rows.withColumn("__break", breaks)
                .withColumn(SEGMENT, sum(col("__break")).over(byTime.rowsBetween(Window.unboundedPreceding(),
                        Window.currentRow())))
                .drop("__break");
        WindowSpec inSegment = Window.partitionBy(col(entity), col(SEGMENT)).orderBy(col(time));
        return withSegment
                .withColumn(POS, row_number().over(inSegment).minus(1))
                .withColumn(SEGMENT_LENGTH, count(lit(1)).over(Window.partitionBy(col(entity), col(SEGMENT))));
    }

    /**
     * One row per window: the entity, {@value #SEGMENT}, {@value #START} (position of its first record),
     * {@value #SEGMENT_LENGTH} and {@value #STEPS}, the list of up to {@code length} values of {@code valueColumn}
     * in time order (shorter only for a segment shorter than the window).
     */
    public static Dataset<Row> windows(Dataset<Row> positioned, String entity, String valueColumn, int length,
                                       int stride) {
        WindowSpec ahead = Window.partitionBy(col(entity), col(SEGMENT)).orderBy(col(POS))
                .rowsBetween(0, length - 1);
        Column pos = col(POS);
        Column segLen = col(SEGMENT_LENGTH);
        Column regular = pos.mod(stride).equalTo(0).and(pos.plus(length).leq(segLen));
        Column lastAligned = pos.equalTo(segLen.minus(length)).and(segLen.minus(length).mod(stride).notEqual(0));
        Column shortSegment = segLen.lt(length).and(pos.equalTo(0));
        return positioned
                .withColumn(STEPS, collect_list(col(valueColumn)).over(ahead))
                .where(regular.or(lastAligned).or(shortSegment))
                .select(col(entity), col(SEGMENT), pos.as(START), segLen, col(STEPS));
    }
}
