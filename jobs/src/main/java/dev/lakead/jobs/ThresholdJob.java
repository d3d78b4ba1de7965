package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ThresholdStep;
import dev.lakead.thresholds.Threshold;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "threshold", mixinStandardHelpOptions = true,
        description = {"Recompute a bundle's threshold from the training scores (computed on the executors)",
                "with threshold.method (percentile | mean-std) and store it in the bundle."})
final class ThresholdJob extends SparkJob {
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", description = "Bundle directory (model.path); default the latest under model.root/model.name.")
    String model;
    @SettingKey("prepared.path")
    @Option(names = "--prepared", paramLabel = "PATH", description = "prepared.path")
    String prepared;
    @SettingKey("threshold.method")
    @Option(names = "--method", paramLabel = "percentile|mean-std", description = "threshold.method")
    String method;
    @SettingKey("threshold.percentile")
    @Option(names = "--percentile", paramLabel = "P", description = "threshold.percentile, e.g. 0.95")
    Double percentile;
    @SettingKey("threshold.k")
    @Option(names = "--k", paramLabel = "K", description = "threshold.k for mean + k*sigma")
    Double k;

    @Override
    protected void validate(Settings s) {
        s.required("prepared.path");
        s.choice("threshold.method", "percentile", "mean-std");
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        Threshold t = ThresholdStep.run(ctx);
        out.printf("threshold: %s%n", t.describe());
    }
}
