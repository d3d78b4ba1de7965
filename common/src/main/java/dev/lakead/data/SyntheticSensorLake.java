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
 * A synthetic sensor data lake in the spirit of the chapter's 4.1.3 example, but with structure: every sensor is a
 * weighted mix of three shared drivers (daily cycle, load, ambient) plus noise, so sensors are correlated.
 * Anomalies (labelled 1) are spikes of 2.5-5.5 sigma on one sensor, or a 1.5 sigma shift of a third of the sensors
 * together that breaks their correlation.
 * Generated on the executors (deterministic for a given spec), partitioned by {@code dt}.
 */
public final class SyntheticSensorLake {

    /**
     * How hard the anomalies are to find. EASY: linear sensors, anomalies of 2.5-5.5 sigma or shifts of 1.5 sigma
     * (the demo's lake). HARD: sensors that depend non-linearly on the drivers, and anomalies of about 1 sigma that
     * break a relation between sensors rather than a level: a sensor computed from another load than its
     * neighbours', or two sensors pushed 1 sigma apart in opposite directions. A linear model (PCA) or a per-feature
     * z-score finds few of them; a model of the joint, non-linear structure finds most.
     */
    public enum Difficulty { EASY, HARD }

    /** rows per day, days, sensors, anomaly share, share of missing sensor values, seed, first day. */
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

        List<Column> out = new ArrayList<>();
        out.add(col("id").as("record_id"));
        out.add(concat(lit("dev-"), lpad(col("id").mod(20).cast("string"), 3, "0")).as("device_id"));
        Column date = date_add(to_date(lit(spec.start().toString())), col("day"));
        out.add(col("sec").cast(DataTypes.LongType).plus(date.cast(DataTypes.TimestampType).cast(DataTypes.LongType))
                .cast(DataTypes.TimestampType).as("ts"));
        boolean hard = spec.difficulty() == Difficulty.HARD;
        Column otherLoad = randn(seed + 7); // kind 1 of the hard lake: the load another machine would see
        for (int i = 0; i < spec.sensors(); i++) {
            double wc = weights.nextGaussian();
            double wl = weights.nextGaussian();
            double wa = weights.nextGaussian();
            double offset = weights.nextGaussian() * 3;
            Column noise = randn(seed + 100 + i).multiply(0.1);
            Column value;
            if (hard) {
                // each sensor its own non-linear functions of (load, ambient): the sensors span all their
                // dimensions (a few principal components cannot model them) though three drivers explain them
                double[] inner = {weights.nextGaussian(), weights.nextGaussian(), weights.nextGaussian(),
                        weights.nextGaussian()};
                double scale = Math.sqrt(wc * wc * 0.5 + (wl * wl + wa * wa) * 0.4 + 0.01);
                Column normal = hardSensor(col("load"), wc, wl, wa, inner).plus(noise).plus(offset);
                Column broken = hardSensor(otherLoad, wc, wl, wa, inner).plus(noise).plus(offset);
                Column apart = col("kind").equalTo(2).and(col("target").equalTo(i)
                        .or(col("target").plus(1).mod(spec.sensors()).equalTo(i)));
                Column direction = when(col("target").equalTo(i), col("sign")).otherwise(col("sign").multiply(-1));
                value = when(col("kind").equalTo(1).and(col("target").equalTo(i)), broken)
                        .when(apart, normal.plus(direction.multiply(scale)))
                        .otherwise(normal);
            } else {
                double scale = Math.sqrt(wc * wc * 0.5 + wl * wl + wa * wa * 0.375 + 0.01);
                Column normal = col("cycle").multiply(wc).plus(col("load").multiply(wl))
                        .plus(col("ambient").multiply(wa)).plus(noise).plus(offset);
                Column spike = col("kind").equalTo(1).and(col("target").equalTo(i));
                // kind 2: a third of the sensors shift together, which their shared drivers cannot explain
                Column shift = col("kind").equalTo(2).and(col("target").plus(i).mod(3).equalTo(0));
                value = when(spike, normal.plus(col("sign").multiply(col("magnitude")).multiply(scale)))
                        .when(shift, normal.plus(col("sign").multiply(1.5 * scale)))
                        .otherwise(normal);
            }
            out.add(when(rand(seed + 200 + i).lt(spec.missingRate()), lit(null).cast(DataTypes.DoubleType))
                    .otherwise(value).as(sensorName(i)));
        }
        out.add(lit(7).as("firmware_version")); // constant: a zero-variance feature real tables have
        out.add(when(col("kind").gt(0), 1).otherwise(0).as("label"));
        out.add(date_format(date, "yyyy-MM-dd").as("dt"));
        return base.select(out.toArray(new Column[0]));
    }

    /** A hard-lake sensor: the daily cycle plus a tanh and a sine of the sensor's own mixes of load and ambient. */
    private static Column hardSensor(Column load, double wc, double wl, double wa, double[] inner) {
        Column ambient = col("ambient").multiply(2); // ambient has a standard deviation of about 0.6
        Column first = org.apache.spark.sql.functions.tanh(load.multiply(inner[0]).plus(ambient.multiply(inner[1])));
        Column second = sin(load.multiply(inner[2]).plus(ambient.multiply(inner[3])));
        return col("cycle").multiply(wc).plus(first.multiply(wl)).plus(second.multiply(wa));
    }

    /** Writes the lake as Parquet partitioned by dt (replacing what is there). */
    public static void write(Dataset<Row> lake, String path) {
        lake.write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(path);
    }
}
