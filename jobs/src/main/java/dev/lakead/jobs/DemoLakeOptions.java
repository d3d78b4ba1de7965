package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.data.SyntheticSensorLake;
import picocli.CommandLine.Option;

import java.time.LocalDate;

/**
 * The demo's generated sensor lake and its split, as picocli options ({@code @Mixin}): the demo and the benchmarks
 * that run on the demo's lake (bench-anogan) take the same --rows-per-day, --days and --train-days.
 */
public final class DemoLakeOptions {
    /** The lake's first day (partition dt). */
    public static final LocalDate START = LocalDate.of(2026, 11, 1);

    @Option(names = "--rows-per-day", defaultValue = "5000", description = "Default: ${DEFAULT-VALUE}.")
    public long rowsPerDay;
    @Option(names = "--days", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    public int days;
    @Option(names = "--train-days", defaultValue = "3", description = "Days used for training (normal records only). Default: ${DEFAULT-VALUE}.")
    public int trainDays;

    /** Fails, naming the options, when no day is left for training or for testing. */
    public void validate() {
        if (trainDays < 1 || trainDays >= days) {
            throw new LakeadException("--train-days must be between 1 and --days - 1");
        }
    }

    /** The lake: 8 sensors, the demo's anomaly rates and seed. */
    public SyntheticSensorLake.Spec spec() {
        return new SyntheticSensorLake.Spec(rowsPerDay, days, 8, 0.02, 0.002, 7, START, 4);
    }

    /** The first day not used for training (dt), where evaluation starts. */
    public String firstTestDay() {
        return START.plusDays(trainDays).toString();
    }

    /** The lake's last day (dt). */
    public LocalDate lastDay() {
        return START.plusDays(days - 1);
    }
}
