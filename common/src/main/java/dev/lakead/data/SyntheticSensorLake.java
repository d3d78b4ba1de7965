package dev.lakead.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/**
 * A synthetic sensor data lake in the spirit of the chapter's 4.1.3 example, with labelled anomalies, generated on
 * the executors (deterministic for a given spec) and partitioned by {@code dt}. Two difficulties:
 * <ul>
 * <li>{@link Difficulty#EASY} (the demo's lake): every sensor a linear mix of three shared drivers (daily cycle,
 *     load, ambient) plus noise; anomalies are spikes of 2.5-5.5 sigma on one sensor, or a 1.5 sigma shift of a
 *     third of the sensors together. A 3-component PCA finds them as well as any deep model.</li>
 * <li>{@link Difficulty#HARD}: every sensor a sine of its own mix of two hidden drivers, so normal records lie on a
 *     curved two-dimensional surface that spans all the sensor dimensions (a few principal components cannot
 *     represent it; an autoencoder with a small code can). An anomaly moves one sensor, or two neighbours, by one
 *     standard deviation off that surface, in the direction that keeps each value inside the sensor's normal range:
 *     it breaks the relation between sensors, not a level, so a per-feature z-score misses it.</li>
 * </ul>
 */
public final class SyntheticSensorLake {

    /** How hard the anomalies are to find (see the class comment). */
    public enum Difficulty { EASY, HARD }

    /** Frequency of the hard sensors' sines per unit of driver mix: about one period over the drivers' range. */
    static final double HARD_FREQUENCY = 0.7;
    /** Noise of the hard sensors, as a share of each sensor's amplitude. */
    static final double HARD_NOISE = 0.05;

    /** rows per day, days, sensors, anomaly share, share of missing sensor values, seed, first day, difficulty. */
    public record Spec(long rowsPerDay, int days, int sensors, double anomalyRate, double missingRate, long seed,
                       LocalDate start, int partitions, Difficulty difficulty) {
        public Spec(long rowsPerDay, int days, int sensors, double anomalyRate, double missingRate, long seed,
                    LocalDate start, int partitions) {
            this(rowsPerDay, days, sensors, anomalyRate, missingRate, seed, start, partitions, Difficulty.EASY);
        }

        public static Spec demo() {
            return new Spec(5_000, 6, 8, 0.02, 0.002, 7, LocalDate.of(2026, 11, 1), 4);
        }

        public Spec withDifficulty(Difficulty d) {
            return new Spec(rowsPerDay, days, sensors, anomalyRate, missingRate, seed, start, partitions, d);
        }
    }

    private SyntheticSensorLake() {
    }

    public static String sensorName(int i) {
        return String.format("s%02d", i);
    }

    public static Dataset<Row> generate(SparkSession spark, Spec spec) {
        long n = spec.rowsPerDay() * spec.days();
        Random weights = new Random(spec.seed());
        long seed = spec.seed() * 1000;
        Column secondOfDay = col("id").mod(spec.rowsPerDay()).multiply(86_400.0 / spec.rowsPerDay());
        Dataset<Row> base = spark.range(0, n, 1, spec.partitions())
                .withColumn("day", floor(col("id").divide(spec.rowsPerDay())).cast(DataTypes.IntegerType))
                .withColumn("sec", secondOfDay)
                .withColumn("cycle", sin(col("sec").multiply(2 * Math.PI / 86_400)))
                .withColumn("load", randn(seed + 1))
                .withColumn("ambient", randn(seed + 2).multiply(0.5).plus(cos(col("sec").multiply(2 * Math.PI / 86_400)).multiply(0.5)))
                .withColumn("u", rand(seed + 3))
                .withColumn("kind", when(col("u").lt(spec.anomalyRate() / 2), 1)
                        .when(col("u").lt(spec.anomalyRate()), 2).otherwise(0))
                .withColumn("target", floor(rand(seed + 4).multiply(spec.sensors())).cast(DataTypes.IntegerType))
                .withColumn("sign", when(rand(seed + 5).lt(0.5), -1.0).otherwise(1.0))
                .withColumn("magnitude", rand(seed + 6).multiply(3).plus(2.5));
        boolean hard = spec.difficulty() == Difficulty.HARD;
        List<HardSensor> hardSensors = new ArrayList<>();
        if (hard) {
            // the hidden drivers, then every sensor's normal value in its own column: an anomaly refers to it twice
            // (moved up, or down), and a random expression inside a branch of when() would draw other noise
            base = base.withColumn("u_drv", rand(seed + 7).multiply(2 * Math.PI).minus(Math.PI))
                    .withColumn("v_drv", rand(seed + 8).multiply(2 * Math.PI).minus(Math.PI));
            List<Column> withNormals = new ArrayList<>(List.of(col("*")));
            for (int i = 0; i < spec.sensors(); i++) {
                HardSensor h = HardSensor.draw(weights);
                hardSensors.add(h);
                withNormals.add(h.normal(randn(seed + 100 + i)).as("normal_" + i));
            }
            base = base.select(withNormals.toArray(new Column[0]));
        }

        List<Column> out = new ArrayList<>();
        out.add(col("id").as("record_id"));
        out.add(concat(lit("dev-"), lpad(col("id").mod(20).cast("string"), 3, "0")).as("device_id"));
        Column date = date_add(to_date(lit(spec.start().toString())), col("day"));
        out.add(col("sec").cast(DataTypes.LongType).plus(date.cast(DataTypes.TimestampType).cast(DataTypes.LongType))
                .cast(DataTypes.TimestampType).as("ts"));
        for (int i = 0; i < spec.sensors(); i++) {
            Column value = hard ? hardSensors.get(i).withAnomaly(col("normal_" + i), i, spec.sensors())
                    : easySensor(i, weights, seed);
            out.add(when(rand(seed + 200 + i).lt(spec.missingRate()), lit(null).cast(DataTypes.DoubleType))
                    .otherwise(value).as(sensorName(i)));
        }
        out.add(lit(7).as("firmware_version")); // constant: a zero-variance feature real tables have
        out.add(when(col("kind").gt(0), 1).otherwise(0).as("label"));
        out.add(date_format(date, "yyyy-MM-dd").as("dt"));
        return base.select(out.toArray(new Column[0]));
    }

    /** An easy-lake sensor: a linear mix of the three drivers; a spike on it, or a shift of a third of the sensors. */
    private static Column easySensor(int i, Random weights, long seed) {
        double wc = weights.nextGaussian();
        double wl = weights.nextGaussian();
        double wa = weights.nextGaussian();
        double offset = weights.nextGaussian() * 3;
        double scale = Math.sqrt(wc * wc * 0.5 + wl * wl + wa * wa * 0.375 + 0.01);
        Column normal = col("cycle").multiply(wc).plus(col("load").multiply(wl)).plus(col("ambient").multiply(wa))
                .plus(randn(seed + 100 + i).multiply(0.1)).plus(offset);
        Column spike = col("kind").equalTo(1).and(col("target").equalTo(i));
        // kind 2: a third of the sensors shift together, which their shared drivers cannot explain
        Column shift = col("kind").equalTo(2).and(col("target").plus(i).mod(3).equalTo(0));
        return when(spike, normal.plus(col("sign").multiply(col("magnitude")).multiply(scale)))
                .when(shift, normal.plus(col("sign").multiply(1.5 * scale)))
                .otherwise(normal);
    }

    /**
     * A hard-lake sensor: amplitude * sin(a * u + b * v + phase) + offset + noise, u and v the hidden drivers
     * (uniform on [-pi, pi]). Kind 1 moves the target sensor, kind 2 the target and the next one, by the sensor's
     * standard deviation in the row's direction, or the other way when that would leave the sensor's range (one of
     * the two stays inside: a deviation is at most half the range).
     */
    record HardSensor(double a, double b, double phase, double amplitude, double offset, SineMoments moments) {
        static HardSensor draw(Random weights) {
            double a = weights.nextGaussian() * HARD_FREQUENCY;
            double b = weights.nextGaussian() * HARD_FREQUENCY;
            double phase = weights.nextDouble() * 2 * Math.PI;
            double amplitude = Math.exp(weights.nextGaussian() * 0.3);
            double offset = weights.nextGaussian() * 3;
            return new HardSensor(a, b, phase, amplitude, offset, SineMoments.of(a, b, phase));
        }

        Column normal(Column standardNoise) {
            return sin(col("u_drv").multiply(a).plus(col("v_drv").multiply(b)).plus(phase)).multiply(amplitude)
                    .plus(offset).plus(standardNoise.multiply(HARD_NOISE * amplitude));
        }

        Column withAnomaly(Column normal, int i, int sensors) {
            double sd = amplitude * moments.sd();
            Column moved = col("kind").equalTo(1).and(col("target").equalTo(i))
                    .or(col("kind").equalTo(2).and(col("target").equalTo(i)
                            .or(col("target").plus(1).mod(sensors).equalTo(i))));
            Column away = normal.plus(col("sign").multiply(sd));
            Column inRange = away.geq(offset + amplitude * moments.min())
                    .and(away.leq(offset + amplitude * moments.max()));
            return when(moved, when(inRange, away).otherwise(normal.minus(col("sign").multiply(sd))))
                    .otherwise(normal);
        }
    }

    /**
     * Deviation and range of sin(a * u + b * v + phase) for u, v uniform on [-pi, pi], in closed form:
     * E[e^(i theta)] = e^(i phase) S(a) S(b) with S(x) = sin(pi x) / (pi x), so the mean is sin(phase) S(a) S(b) and
     * E[sin^2] = (1 - cos(2 phase) S(2a) S(2b)) / 2; the range is that of the sine over phase +- pi (|a| + |b|).
     */
    record SineMoments(double sd, double min, double max) {
        static SineMoments of(double a, double b, double phase) {
            double mean = Math.sin(phase) * sinc(a) * sinc(b);
            double meanSquare = (1 - Math.cos(2 * phase) * sinc(2 * a) * sinc(2 * b)) / 2;
            double half = Math.PI * (Math.abs(a) + Math.abs(b));
            double lo = phase - half;
            double hi = phase + half;
            double min = Math.min(Math.sin(lo), Math.sin(hi));
            double max = Math.max(Math.sin(lo), Math.sin(hi));
            if (Math.ceil((lo - Math.PI / 2) / (2 * Math.PI)) <= Math.floor((hi - Math.PI / 2) / (2 * Math.PI))) {
                max = 1; // a crest pi/2 + 2k pi lies inside
            }
            if (Math.ceil((lo + Math.PI / 2) / (2 * Math.PI)) <= Math.floor((hi + Math.PI / 2) / (2 * Math.PI))) {
                min = -1; // a trough -pi/2 + 2k pi lies inside
            }
            return new SineMoments(Math.sqrt(Math.max(0, meanSquare - mean * mean)), min, max);
        }

        private static double sinc(double x) {
            return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        }
    }

    /** Writes the lake as Parquet partitioned by dt (replacing what is there). */
    public static void write(Dataset<Row> lake, String path) {
        lake.write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(path);
    }
}
