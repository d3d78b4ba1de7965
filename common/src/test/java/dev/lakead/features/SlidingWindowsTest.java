package dev.lakead.features;

import dev.lakead.SparkTestSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Window construction against hand-made series. */
class SlidingWindowsTest extends SparkTestSupport {
    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("entity", DataTypes.StringType, false),
            DataTypes.createStructField("t", DataTypes.LongType, false),
            DataTypes.createStructField("v", DataTypes.DoubleType, false),
            DataTypes.createStructField("dt", DataTypes.StringType, false)));

    /** entity e: times given, value = time * 10, dt switches every 5 time units (partition boundary). */
    private static List<Row> series(String e, long... times) {
        List<Row> rows = new ArrayList<>();
        for (long t : times) {
            rows.add(RowFactory.create(e, t, t * 10.0, "d" + (t / 5)));
        }
        return rows;
    }

    private static List<String> windows(List<Row> rows, double maxGap, int length, int stride) {
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(3);
        Dataset<Row> w = SlidingWindows.windows(SlidingWindows.positions(df, "entity", "t", maxGap), "entity", "v",
                length, stride);
        return w.orderBy("entity", SlidingWindows.SEGMENT, SlidingWindows.START).collectAsList().stream()
                .map(r -> r.getString(0) + ":" + r.getLong(1) + ":" + r.getInt(2) + ":" + r.getList(4))
                .collect(Collectors.toList());
    }

    @Test
    void strideOneGivesEveryWindowInTimeOrderAcrossPartitionBoundaries() {
        // times deliberately shuffled; 4..6 crosses dt=d0 / dt=d1
        assertEquals(List.of("a:0:0:[20.0, 30.0, 40.0]", "a:0:1:[30.0, 40.0, 50.0]", "a:0:2:[40.0, 50.0, 60.0]"),
                windows(series("a", 5, 2, 6, 3, 4), 0, 3, 1));
    }

    @Test
    void strideAddsAWindowAlignedToTheEnd() {
        // 7 records, length 3, stride 3: starts 0, 3 and the end-aligned 4
        assertEquals(List.of("a:0:0:[0.0, 10.0, 20.0]", "a:0:3:[30.0, 40.0, 50.0]", "a:0:4:[40.0, 50.0, 60.0]"),
                windows(series("a", 0, 1, 2, 3, 4, 5, 6), 0, 3, 3));
    }

    @Test
    void gapsSplitSegmentsAndEntitiesNeverMix() {
        List<Row> rows = series("a", 0, 1, 2, 10, 11, 12);
        rows.addAll(series("b", 0, 1, 2));
        assertEquals(List.of("a:0:0:[0.0, 10.0, 20.0]", "a:1:0:[100.0, 110.0, 120.0]", "b:0:0:[0.0, 10.0, 20.0]"),
                windows(rows, 5, 3, 1));
        // without a gap limit, a's six records make four windows
        assertEquals(4, windows(series("a", 0, 1, 2, 10, 11, 12), 0, 3, 1).size());
    }

    @Test
    void aSegmentShorterThanTheWindowGetsOneShortWindow() {
        assertEquals(List.of("a:0:0:[0.0, 10.0]"), windows(series("a", 0, 1), 0, 4, 1));
    }
}
