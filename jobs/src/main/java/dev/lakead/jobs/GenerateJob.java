package dev.lakead.jobs;

import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.LocalDate;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a synthetic sensor lake with labelled anomalies.",
                "Write a synthetic sensor data lake (Parquet partitioned by dt) with labelled anomalies:",
                "correlated sensors driven by a daily cycle, load and ambient temperature, plus spikes and shifts",
                "(--difficulty easy), or sensors on a curved surface of two hidden drivers with 1-sigma anomalies that",
                "break the relation between sensors, not a level (--difficulty hard)."})
final class GenerateJob extends SparkJob {
    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Table directory to (over)write.")
    String output;
    @Option(names = "--rows-per-day", defaultValue = "5000", description = "Default: ${DEFAULT-VALUE}.")
    long rowsPerDay;
    @Option(names = "--days", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    int days;
    @Option(names = "--sensors", defaultValue = "8", description = "Number of sensor columns. Default: ${DEFAULT-VALUE}.")
    int sensors;
    @Option(names = "--anomaly-rate", defaultValue = "0.02", description = "Default: ${DEFAULT-VALUE}.")
    double anomalyRate;
    @Option(names = "--missing-rate", defaultValue = "0.002", description = "Share of missing sensor values. Default: ${DEFAULT-VALUE}.")
    double missingRate;
    @Option(names = "--start", defaultValue = "2026-11-01", description = "First dt. Default: ${DEFAULT-VALUE}.")
    String start;
    @Option(names = "--seed", defaultValue = "7", description = "Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--partitions", defaultValue = "8", description = "Spark partitions used to generate. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--difficulty", defaultValue = "easy", paramLabel = "easy|hard",
            description = "easy: linear sensors, anomalies of 1.5-5.5 sigma; hard: non-linear sensors, anomalies of"
                    + " 1 sigma off their relation (PCA and z-scores miss most). Default: ${DEFAULT-VALUE}.")
    SyntheticSensorLake.Difficulty difficulty;

    SyntheticSensorLake.Spec spec() {
        return new SyntheticSensorLake.Spec(rowsPerDay, days, sensors, anomalyRate, missingRate, seed,
                LocalDate.parse(start), partitions, difficulty);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), spec()), output);
        out.printf("lake: %s (%d rows, %d daily partitions, %d sensors, %s)%n", output, rowsPerDay * days, days, sensors,
                difficulty.name().toLowerCase(java.util.Locale.ROOT));
    }
}
