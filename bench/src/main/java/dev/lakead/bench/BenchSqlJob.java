package dev.lakead.bench;

import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.jobs.SparkJob;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.sql.LakeadExtensions;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;

/**
 * The SQL forms against the score job on the same rows and bundle: the job (Parquet in -> score table out), the
 * table-valued {@code lakead_score} and the scalar {@code lakead_anomaly_score}, each writing the keys, score
 * (and decision) and dt as Parquet. Job and table function run alternately and the best of each counts.
 */
@Command(name = "bench-sql", mixinStandardHelpOptions = true,
        description = {"Measure the SQL functions' rows/s against the score job.",
                "Benchmark: lakead_score (table-valued) and lakead_anomaly_score (scalar) rows/s against the score",
                "job on the same generated table and bundle. Prints a table and a summary line."})
final class BenchSqlJob extends SparkJob {
    @Option(names = "--rows", defaultValue = "500000", description = "Rows to score. Default: ${DEFAULT-VALUE}.")
    long rows;
    @Option(names = "--sensors", defaultValue = "64", description = "Sensor (feature) columns. Default: ${DEFAULT-VALUE}.")
    int sensors;
    @Option(names = "--scalar-rows", defaultValue = "100000",
            description = "Rows scored through the scalar function (one network call per row). Default: ${DEFAULT-VALUE}.")
    long scalarRows;
    @Option(names = "--train-rows", defaultValue = "50000", description = "Rows the bundle is trained on. Default: ${DEFAULT-VALUE}.")
    long trainRows;
    @Option(names = "--repeats", defaultValue = "2",
            description = "Alternating runs of the job and the table function; the best of each counts. Default: ${DEFAULT-VALUE}.")
    int repeats;
    @Option(names = "--workdir", defaultValue = "bench/output/sql", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        SparkSession spark = ctx.spark();
        LakeadExtensions.registerIn(spark); // as spark.sql.extensions would, in the session the job was given
        String base = workdir.getAbsolutePath();
        String lake = base + "/lake";
        int days = 4;
        long perDay = Math.max(1, rows / days);
        long total = perDay * days;
        int partitions = Math.max(spark.sparkContext().defaultParallelism() * 2, (int) (total / 125_000));
        long t0 = System.nanoTime();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, new SyntheticSensorLake.Spec(perDay, days,
                sensors, 0.02, 0.0, 7, LocalDate.of(2026, 11, 1), partitions)), lake);
        out.printf("generated %,d rows x %d sensors in %.1f s (%s)%n", total, sensors, secs(t0), lake);
        out.flush();

        Settings s = ctx.settings().with(
                "input.path", lake,
                "input.where", "label = 0 AND record_id < " + Math.min(total, trainRows),
                "prepared.path", base + "/prepared",
                "model.root", base + "/models",
                "model.name", "bench",
                "model.version", "run-" + System.currentTimeMillis(),
                "train.holdout-fraction", "0",
                "score.output-path", base + "/job",
                "score.table-name", "",
                "score.key-columns", "record_id");
        PreprocessStep.run(JobContext.of(spark, s));
        String bundle = TrainStep.run(JobContext.of(spark, s)).bundle().path();
        Settings score = s.with("input.where", "", "model.path", bundle);
        spark.read().parquet(lake).createOrReplaceTempView("bench_sql_lake");
        spark.read().parquet(lake).where("record_id < " + scalarRows).createOrReplaceTempView("bench_sql_scalar");

        double jobSeconds = Double.MAX_VALUE;
        double tvfSeconds = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            t0 = System.nanoTime();
            ScoreStep.run(JobContext.of(spark, score));
            jobSeconds = Math.min(jobSeconds, secs(t0));
            t0 = System.nanoTime();
            spark.sql("SELECT record_id, anomaly_score, is_anomaly, dt FROM lakead_score('" + bundle
                            + "', 'bench_sql_lake')")
                    .write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(base + "/tvf");
            tvfSeconds = Math.min(tvfSeconds, secs(t0));
        }
        // the bundle's feature order: the sensors, then whatever else preprocess picked (the constant column)
        List<String> bundleFeatures = dev.lakead.ml.AnomalyDetectionModel.load(bundle).featureColumns();
        long scalarCount = spark.table("bench_sql_scalar").count();
        t0 = System.nanoTime();
        spark.sql("SELECT record_id, lakead_anomaly_score('" + bundle + "', " + String.join(", ", bundleFeatures)
                        + ") AS anomaly_score, dt FROM bench_sql_scalar")
                .write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(base + "/scalar");
        double scalarSeconds = secs(t0);

        long jobRows = spark.read().parquet(base + "/job").count();
        long tvfRows = spark.read().parquet(base + "/tvf").count();
        double jobRate = total / jobSeconds;
        double tvfRate = total / tvfSeconds;
        double scalarRate = scalarCount / scalarSeconds;
        out.println();
        out.printf("%-52s %12s %14s %10s%n", "measurement", "rows", "rows/s", "seconds");
        out.printf("%-52s %,12d %,14.0f %10.1f%n", "score job: parquet -> AE -> score table", jobRows, jobRate,
                jobSeconds);
        out.printf("%-52s %,12d %,14.0f %10.1f%n", "lakead_score: SELECT record_id, scores, dt -> parquet", tvfRows,
                tvfRate, tvfSeconds);
        out.printf("%-52s %,12d %,14.0f %10.1f%n", "lakead_anomaly_score: one row per call -> parquet", scalarCount,
                scalarRate, scalarSeconds);
        out.printf("%-52s %12s %14.2f%n", "ratio lakead_score / job", "", tvfRate / jobRate);
        out.printf("rows=%d features=%d best of %d runs (job, table function); bundle %s%n", total,
                bundleFeatures.size(), repeats, bundle);
        out.printf("sql tvf_rows_per_s=%.0f job_rows_per_s=%.0f ratio=%.3f scalar_rows_per_s=%.0f%n",
                tvfRate, jobRate, tvfRate / jobRate, scalarRate);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
