package dev.lakead.bench;

import dev.lakead.table.ScoreTable;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.jobs.SparkJob;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Throughput on generated data, measured in one run: scoring (Parquet in -> Parquet out) against the plain Parquet
 * read -> write of the same table (the I/O floor), and training samples/s through the parameter-averaging master.
 */
@Command(name = "bench-scoring", mixinStandardHelpOptions = true,
        description = {"Measure scoring rows/s against the Parquet I/O floor.",
                "Benchmark: scoring rows/s vs the Parquet read->write floor, and training samples/s,",
                "on a generated table (default 1,000,000 rows x 64 sensors). Prints a table and a summary line."})
final class BenchScoringJob extends SparkJob {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows to score. Default: ${DEFAULT-VALUE}.")
    long rows;
    @Option(names = "--sensors", defaultValue = "64", description = "Sensor (feature) columns. Default: ${DEFAULT-VALUE}.")
    int sensors;
    @Option(names = "--train-rows", defaultValue = "200000", description = "Rows used to measure training. Default: ${DEFAULT-VALUE}.")
    long trainRows;
    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs measured. Default: ${DEFAULT-VALUE}.")
    int epochs;
    @Option(names = "--workdir", defaultValue = "bench/output", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        String base = workdir.getAbsolutePath();
        String lake = base + "/lake";
        int days = 4;
        long perDay = Math.max(1, rows / days);
        long total = perDay * days;
        int partitions = Math.max(ctx.spark().sparkContext().defaultParallelism() * 2, (int) (total / 125_000));

        long t0 = System.nanoTime();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), new SyntheticSensorLake.Spec(perDay, days,
                sensors, 0.02, 0.0, 7, LocalDate.of(2026, 11, 1), partitions)), lake);
        out.printf("generated %,d rows x %d sensors in %.1f s (%s)%n", total, sensors, secs(t0), lake);
        out.flush();

        // I/O floor: the same table read and written back as Parquet, no model.
        t0 = System.nanoTime();
        ctx.spark().read().parquet(lake).write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(base + "/copy");
        double ioSeconds = secs(t0);
        // A tighter floor: read the features, write the score table's shape, no network.
        t0 = System.nanoTime();
        Dataset<Row> raw = ctx.spark().read().parquet(lake);
        Column sum = lit(0.0);
        for (int i = 0; i < sensors; i++) {
            sum = sum.plus(coalesce(
                    col(SyntheticSensorLake.sensorName(i)),
                    lit(0.0)));
        }
        raw.select(col("record_id"), sum.as(ScoreTable.SCORE),
                        col("dt"))
                .write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(base + "/same-shape");
        double shapeSeconds = secs(t0);

        // Training: preprocess + parameter-averaging epochs on the first rows.
        double trainFraction = Math.min(1.0, (double) trainRows / total);
        Settings s = ctx.settings().with(
                "input.path", lake,
                "input.where", "label = 0 AND record_id < " + Math.round(total * trainFraction),
                "prepared.path", base + "/prepared",
                "model.root", base + "/models",
                "model.name", "bench",
                "model.version", "run-" + System.currentTimeMillis(),
                "train.epochs", String.valueOf(epochs),
                "train.holdout-fraction", "0",
                "score.output-path", base + "/scores",
                "score.table-name", "",
                "score.key-columns", "record_id");
        PreprocessStep.run(JobContext.of(ctx.spark(), s));
        TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), s));
        double trainRate = trained.trained().history().samplesPerSecond();

        t0 = System.nanoTime();
        ScoreStep.run(JobContext.of(ctx.spark(), s.with("input.where", "", "model.path", trained.bundle().path())));
        double scoreSeconds = secs(t0);
        long written = ctx.spark().read().parquet(base + "/scores").count();

        double scoreRate = total / scoreSeconds;
        double ioRate = total / ioSeconds;
        out.println();
        out.printf("%-40s %14s %12s%n", "measurement", "rows/s", "seconds");
        out.printf("%-40s %,14.0f %12.1f%n", "parquet read -> write (I/O floor)", ioRate, ioSeconds);
        out.printf("%-40s %,14.0f %12.1f%n", "features in -> score shape out, no model", total / shapeSeconds,
                shapeSeconds);
        out.printf("%-40s %,14.0f %12.1f%n", "score: parquet -> AE -> parquet", scoreRate, scoreSeconds);
        out.printf("%-40s %14.2f%n", "ratio score / I/O floor", scoreRate / ioRate);
        out.printf("%-40s %14.2f%n", "ratio score / same-shape floor", scoreRate / (total / shapeSeconds));
        out.printf("%-40s %,14.0f %12s%n", "train samples/s (" + epochs + " epochs, "
                + trained.trained().history().workers() + " workers)", trainRate, "");
        out.printf("rows scored and written: %,d of %,d; network %s%n", written, total,
                trained.trained().model().hyperparameters().get("hidden_sizes"));
        out.printf("scoring rows_per_s=%.0f io_floor_rows_per_s=%.0f ratio=%.3f train_samples_per_s=%.0f%n",
                scoreRate, ioRate, scoreRate / ioRate, trainRate);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
