package dev.lakead.bench;

import dev.lakead.LakeadException;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.jobs.SparkJob;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Any multivariate time-series benchmark in one CSV ({@code entity,seq,split,f0..fn,label}, split = train/test)
 * through the real steps — preprocess (train rows) → train → score → evaluate (test rows) — with the per-entity
 * LSTM Autoencoder and the default settings (plus whatever --set / --config say). Prints point-wise and
 * point-adjusted precision / recall / F1 and the ROC-AUC of the normalised score pooled over all entities.
 */
@Command(name = "bench-ts", mixinStandardHelpOptions = true,
        description = {"Measure the LSTM Autoencoder on a time-series CSV.",
                "Benchmark: a CSV entity,seq,split,f0..fn,label (split = train/test) through preprocess ->",
                "train -> score -> evaluate with the per-entity LSTM Autoencoder and the default settings.",
                "Last line: ts f1=<x> pa_f1=<y> roc_auc=<z>"})
final class BenchTsJob extends SparkJob {
    private static final Set<String> NOT_FEATURES = Set.of("entity", "seq", "split", "label");

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV (header entity,seq,split,f0..fn,label).")
    File file;
    @Mixin
    SeriesBench.Options series = new SeriesBench.Options("bench/output/ts");

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        if (!file.isFile()) {
            throw new LakeadException("Benchmark file " + file + " not found");
        }
        String[] header = ctx.spark().read().option("header", true).csv(file.getAbsolutePath()).columns();
        List<String> missing = NOT_FEATURES.stream().filter(c -> !Arrays.asList(header).contains(c)).sorted().toList();
        List<String> features = Arrays.stream(header).filter(c -> !NOT_FEATURES.contains(c)).toList();
        if (!missing.isEmpty() || features.isEmpty()) {
            throw new LakeadException("Benchmark file " + file + " must have the columns entity,seq,split,f0..fn,label;"
                    + " it has: " + String.join(",", header));
        }
        SeriesBench.Outcome o = SeriesBench.run(ctx, new SeriesBench.Spec(file.getAbsolutePath(), "entity", "seq",
                features, "label", "entity,seq,split,label", "split = 'train'", "split = 'test'", "ts",
                series.workdir.getAbsolutePath(), series.modelPath));
        EvaluateStep.Result r = o.evaluation();
        ConfusionMatrix point = r.metrics().confusion();
        ConfusionMatrix adjusted = r.pointAdjusted();

        out.println();
        out.printf("%-16s %9s %9s %9s%n", "test rows pooled", "precision", "recall", "F1");
        print(out, "point-wise", point);
        print(out, "point-adjusted", adjusted);
        out.printf(Locale.ROOT, "ROC-AUC of %s %.4f; %d test rows, %d features; FAR %.2f %%; %.0f s; settings: %s%n",
                r.report().get("ranking_score"), r.metrics().rocAuc(), point.total(), features.size(),
                100.0 * point.falsePositiveRate(), o.seconds(), o.settings());
        out.printf(Locale.ROOT, "ts f1=%.3f pa_f1=%.3f roc_auc=%.3f%n", point.anomaly().f1(), adjusted.anomaly().f1(),
                r.metrics().rocAuc());
        out.flush();
    }

    private static void print(PrintWriter out, String name, ConfusionMatrix cm) {
        ConfusionMatrix.ClassMetrics a = cm.anomaly();
        out.printf(Locale.ROOT, "%-16s %9.3f %9.3f %9.3f%n", name, a.precision(), a.recall(), a.f1());
    }
}
