package dev.lakead.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Multivariate machine series for the time-series models: per machine, a = sin(t / 8 + phase),
 * b = cos(t / 8 + phase), c = a / 2, each plus noise of 0.05, with labelled anomalous segments. Rows carry machine,
 * seq, a, b, c, label and dt = "p" + seq / 200, shuffled (windows must follow time order by themselves).
 * <ul>
 * <li>{@link SyntheticSensorLake.Difficulty#EASY}: a segment is a level shift of +2.5 on a, far outside its range.</li>
 * <li>{@link SyntheticSensorLake.Difficulty#HARD}: a segment is contextual: the machine freezes, every sensor holding
 *     its value of the segment's first step (plus the usual noise). Each record is a normal record, in level and in
 *     the relation between the sensors; only the time context (a series that stopped moving) is wrong, so a detector
 *     of single records (PCA, z-score) cannot find it.</li>
 * </ul>
 */
public final class SyntheticMachineSeries {
    public static final double NOISE = 0.05;

    /** An anomalous segment: seq from (inclusive) to (exclusive) of one machine. */
    public record Segment(String machine, int from, int to) {
        boolean covers(String m, int t) {
            return machine.equals(m) && t >= from && t < to;
        }
    }

    /** Machines, steps per machine, anomalous segments, difficulty, seed. */
    public record Spec(List<String> machines, int steps, List<Segment> segments,
                       SyntheticSensorLake.Difficulty difficulty, long seed) {
    }

    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("machine", DataTypes.StringType, false),
            DataTypes.createStructField("seq", DataTypes.IntegerType, false),
            DataTypes.createStructField("a", DataTypes.DoubleType, false),
            DataTypes.createStructField("b", DataTypes.DoubleType, false),
            DataTypes.createStructField("c", DataTypes.DoubleType, false),
            DataTypes.createStructField("label", DataTypes.IntegerType, false),
            DataTypes.createStructField("dt", DataTypes.StringType, false)));

    private SyntheticMachineSeries() {
    }

    /** The rows, built on the driver (a few thousand: test and benchmark fixtures). */
    public static List<Row> rows(Spec spec) {
        Random r = new Random(spec.seed());
        boolean hard = spec.difficulty() == SyntheticSensorLake.Difficulty.HARD;
        List<Row> rows = new ArrayList<>();
        for (String m : spec.machines()) {
            double phase = r.nextDouble() * 6;
            for (int t = 0; t < spec.steps(); t++) {
                Segment segment = segmentAt(spec, m, t);
                // a frozen machine stays at the angle of its segment's first step
                double angle = (hard && segment != null ? segment.from() : t) / 8.0 + phase;
                double shift = !hard && segment != null ? 2.5 : 0;
                double a = Math.sin(angle) + NOISE * r.nextGaussian() + shift;
                double b = Math.cos(angle) + NOISE * r.nextGaussian();
                double c = 0.5 * Math.sin(angle) + NOISE * r.nextGaussian();
                rows.add(RowFactory.create(m, t, a, b, c, segment != null ? 1 : 0, "p" + (t / 200)));
            }
        }
        Collections.shuffle(rows, r);
        return rows;
    }

    public static Dataset<Row> generate(SparkSession spark, Spec spec, int partitions) {
        return spark.createDataFrame(rows(spec), SCHEMA).repartition(partitions);
    }

    private static Segment segmentAt(Spec spec, String machine, int t) {
        for (Segment s : spec.segments()) {
            if (s.covers(machine, t)) {
                return s;
            }
        }
        return null;
    }
}
