package dev.lakead.jobs;

import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.LocalDate;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a synthetic sensor data lake (Parquet partitioned by dt) with labelled anomalies:",
                "correlated sensors driven by a daily cycle, load and ambient temperature, plus spikes and shifts."})
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

    SyntheticSensorLake.Spec spec() {
        return new SyntheticSensorLake.Spec(rowsPerDay, days, sensors, anomalyRate, missingRate, seed,
                LocalDate.parse(start), partitions);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), spec()), output);
        out.printf("lake: %s (%d rows, %d daily partitions, %d sensors)%n", output, rowsPerDay * days, days, sensors);
    }
}
