package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import picocli.CommandLine.Command;
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
        description = {"Benchmark: a CSV entity,seq,split,f0..fn,label (split = train/test) through preprocess ->",
                "train -> score -> evaluate with the per-entity LSTM Autoencoder and the default settings.",
                "Last line: ts f1=<x> pa_f1=<y> roc_auc=<z>"})
final class BenchTsJob extends SparkJob {
    private static final Set<String> NOT_FEATURES = Set.of("entity", "seq", "split", "label");

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV (header entity,seq,split,f0..fn,label).")
    File file;
    @Option(names = "--workdir", defaultValue = "bench/output/ts", description = "Default: ${DEFAULT-VALUE}.")
    File workdir;
    @Option(names = "--model-path", description = "Score and evaluate with this already-trained bundle (a previous run's"
            + " models/ts/<version>) instead of training: for trying score-time settings quickly.")
    String modelPath;

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
        String base = workdir.getAbsolutePath();
        long t0 = System.nanoTime();
        Settings s = ctx.settings().with(
                "input.path", file.getAbsolutePath(),
                "input.format", "csv",
                "features.columns", String.join(",", features),
                "features.label-column", "label",
                "model.type", "lstm-ae",
                "model.name", "ts",
                "model.root", base + "/models",
                "model.version", "run-" + System.currentTimeMillis(),
                "prepared.path", base + "/prepared",
                "timeseries.entity-column", "entity",
                "timeseries.time-column", "seq",
                "timeseries.mode", "per-entity",
                "score.output-path", base + "/scores",
                "score.table-name", "",
                "score.partition-columns", "",
                "score.key-columns", "entity,seq,split,label",
                "evaluate.label-column", "label",
                "evaluate.point-adjust", "true",
                "evaluate.where", "split = 'test'",
                "evaluate.output-dir", base + "/report");
        ModelBundle bundle;
        if (modelPath == null) {
            PreprocessStep.run(JobContext.of(ctx.spark(), s.with("input.where", "split = 'train'")));
            bundle = TrainStep.run(JobContext.of(ctx.spark(), s)).bundle();
        } else {
            bundle = JobContext.of(ctx.spark(), s.with("model.path", modelPath)).loadBundle();
        }
        ScoreStep.run(JobContext.of(ctx.spark(), s.with("model.path", bundle.path())));
        EvaluateStep.Result r = EvaluateStep.run(JobContext.of(ctx.spark(), s));
        ConfusionMatrix point = r.metrics().confusion();
        ConfusionMatrix adjusted = r.pointAdjusted();
        double seconds = (System.nanoTime() - t0) / 1e9;

        out.println();
        out.printf("%-16s %9s %9s %9s%n", "test rows pooled", "precision", "recall", "F1");
        print(out, "point-wise", point);
        print(out, "point-adjusted", adjusted);
        out.printf(Locale.ROOT, "ROC-AUC of %s %.4f; %d test rows, %d features; FAR %.2f %%; %.0f s; settings: %s%n",
                r.report().get("ranking_score"), r.metrics().rocAuc(), point.total(), features.size(),
                100.0 * point.falsePositiveRate(), seconds, bundle.model().hyperparameters().entrySet()
                        .stream().filter(e -> !e.getKey().equals("entity_thresholds")).toList());
        out.printf(Locale.ROOT, "ts f1=%.3f pa_f1=%.3f roc_auc=%.3f%n", point.anomaly().f1(), adjusted.anomaly().f1(),
                r.metrics().rocAuc());
        out.flush();
    }

    private static void print(PrintWriter out, String name, ConfusionMatrix cm) {
        ConfusionMatrix.ClassMetrics a = cm.anomaly();
        out.printf(Locale.ROOT, "%-16s %9.3f %9.3f %9.3f%n", name, a.precision(), a.recall(), a.f1());
    }
}
