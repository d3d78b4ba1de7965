package dev.lakead.bench;

import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;

import picocli.CommandLine.Option;

import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * A multivariate time-series benchmark in one CSV through the real steps, as bench-skab and bench-ts run it:
 * preprocess (the training rows) → train the per-entity LSTM Autoencoder (or load --model-path) → score →
 * evaluate (the test rows, point-wise and point-adjusted), every output under the work folder.
 */
final class SeriesBench {
    /**
     * One benchmark: the CSV and its columns (an entity and a time column, features, a 0/1 label), which rows train
     * and which are evaluated, the model's name, the work folder, an already trained bundle (null: train).
     */
    record Spec(String csv, String entity, String time, List<String> features, String label, String keyColumns,
                String trainWhere, String testWhere, String modelName, String workdir, String modelPath) {
    }

    /** What the benchmark prints: the bundle, the evaluation, the training's entity parallelism (NaN: not trained). */
    record Outcome(ModelBundle bundle, EvaluateStep.Result evaluation, double entityParallelism, double seconds) {
        /** The model's settings without the per-entity thresholds (one per entity: too long for a summary). */
        List<Map.Entry<String, Object>> settings() {
            return bundle.model().hyperparameters().entrySet().stream()
                    .filter(e -> !e.getKey().equals("entity_thresholds")).toList();
        }
    }

    /**
     * The options every series benchmark takes (a picocli {@code @Mixin}): its work folder, whose default is the
     * benchmark's own, and an already trained bundle.
     */
    static final class Options {
        @Option(names = "--workdir", description = "Default: ${DEFAULT-VALUE}.")
        File workdir;
        @Option(names = "--model-path", description = "Score and evaluate with this already-trained bundle (a previous"
                + " run's models/<benchmark>/<version>) instead of training: for trying score-time settings quickly.")
        String modelPath;

        Options(String defaultWorkdir) {
            this.workdir = new File(defaultWorkdir);
        }
    }

    private SeriesBench() {
    }

    /** Runs it on the job's settings (defaults, --config, --set) with {@code extra} key/value pairs over them. */
    static Outcome run(JobContext ctx, Spec spec, String... extra) {
        long t0 = System.nanoTime();
        String base = spec.workdir();
        Settings s = ctx.settings().with(
                "input.path", spec.csv(),
                "input.format", "csv",
                "features.columns", String.join(",", spec.features()),
                "features.label-column", spec.label(),
                "model.type", "lstm-ae",
                "model.name", spec.modelName(),
                "model.root", base + "/models",
                "model.version", "run-" + System.currentTimeMillis(),
                "prepared.path", base + "/prepared",
                "timeseries.entity-column", spec.entity(),
                "timeseries.time-column", spec.time(),
                "timeseries.mode", "per-entity",
                "score.output-path", base + "/scores",
                "score.table-name", "",
                "score.partition-columns", "",
                "score.key-columns", spec.keyColumns(),
                "evaluate.label-column", spec.label(),
                "evaluate.point-adjust", "true",
                "evaluate.where", spec.testWhere(),
                "evaluate.output-dir", base + "/report").with(extra);
        ModelBundle bundle;
        double parallelism = Double.NaN;
        if (spec.modelPath() == null) {
            PreprocessStep.run(JobContext.of(ctx.spark(), s.with("input.where", spec.trainWhere())));
            TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), s));
            bundle = trained.bundle();
            parallelism = trained.trained().history().parallelism();
        } else {
            bundle = JobContext.of(ctx.spark(), s.with("model.path", spec.modelPath())).loadBundle();
        }
        ScoreStep.run(JobContext.of(ctx.spark(), s.with("model.path", bundle.path())));
        EvaluateStep.Result r = EvaluateStep.run(JobContext.of(ctx.spark(), s));
        return new Outcome(bundle, r, parallelism, (System.nanoTime() - t0) / 1e9);
    }
}
