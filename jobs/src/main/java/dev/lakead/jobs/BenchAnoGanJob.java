package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.models.anogan.AnoGanModel;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.scoring.BatchScorer;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

/**
 * AnoGAN's two score modes on the same data in one run: a synthetic sensor lake (the demo's), AnoGAN trained on the
 * first days' normal records, then the later days scored by the latent search and by the encoder through the score
 * job's path (preprocessing inside the batch loop, batches of score.batch-size rows per partition), from the same
 * cached input rows, so that the two rates compare the scorers and not Parquet I/O. The encoder pass is repeated
 * until it has run for a few seconds (one pass takes a fraction of a second). ROC-AUC of both on the same rows.
 */
@Command(name = "bench-anogan", mixinStandardHelpOptions = true,
        description = {"Benchmark: AnoGAN scoring rows/s with the latent search vs the encoder (Fast-AnoGAN) and the",
                "ROC-AUC of both, on a generated sensor lake. Last line: anogan speedup=... auc_search=... auc_encoder=..."})
final class BenchAnoGanJob extends SparkJob {
    @Option(names = "--rows-per-day", defaultValue = "5000", description = "Default: ${DEFAULT-VALUE}.")
    long rowsPerDay;
    @Option(names = "--days", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    int days;
    @Option(names = "--train-days", defaultValue = "3", description = "Days used for training (normal records only). Default: ${DEFAULT-VALUE}.")
    int trainDays;
    @Option(names = "--min-encoder-seconds", defaultValue = "5",
            description = "Repeat the encoder pass until it has run this long. Default: ${DEFAULT-VALUE}.")
    double minEncoderSeconds;
    @Option(names = "--sweep", split = ",", description = "Also score with these search iteration counts (n), e.g. 50,100,200.")
    List<Integer> sweep = new ArrayList<>();
    @Option(names = "--workdir", defaultValue = "bench/output/anogan", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;

    static final LocalDate START = LocalDate.of(2026, 11, 1);

    @Override
    protected List<String> presetResources() {
        return List.of("demo.conf", "demo-anogan.conf");
    }

    @Override
    protected void validate(Settings s) {
        if (trainDays < 1 || trainDays >= days) {
            throw new LakeadException("--train-days must be between 1 and --days - 1");
        }
        if (s.integer("model.anogan.encoder-epochs") <= 0) {
            throw new LakeadException("bench-anogan compares the search with the encoder: model.anogan.encoder-epochs"
                    + " must be positive");
        }
    }

    /** One score mode's measurement. */
    record Measured(String mode, long rows, int passes, double seconds, EvaluationResult metrics) {
        double rowsPerSecond() {
            return rows * (double) passes / seconds;
        }
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        String base = workdir.getAbsolutePath();
        String lake = base + "/lake";
        String firstTestDay = START.plusDays(trainDays).toString();
        Settings s = ctx.settings().with(
                "input.path", lake,
                "prepared.path", base + "/prepared",
                "model.root", base + "/models",
                "model.version", "run-" + System.currentTimeMillis());
        long t0 = System.nanoTime();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), new SyntheticSensorLake.Spec(rowsPerDay,
                days, 8, 0.02, 0.002, 7, START, 4)), lake);
        out.printf("lake: %,d rows/day x %d days, 8 sensors (%.0f s)%n", rowsPerDay, days, secs(t0));
        out.flush();

        Settings train = s.with("input.where", "dt < '" + firstTestDay + "' AND label = 0");
        PreprocessStep.run(JobContext.of(ctx.spark(), train));
        t0 = System.nanoTime();
        TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), train));
        double trainSeconds = secs(t0);
        AnoGanModel model = (AnoGanModel) trained.bundle().model();
        var h = trained.trained().history();
        out.printf("train: GAN %d epochs + encoder, %d workers, thresholds of both modes: %.0f s; final d_loss=%.4f"
                        + " g_loss=%.4f%n", h.epochs().size(), h.workers(), trainSeconds,
                h.epochs().get(h.epochs().size() - 1).components().getOrDefault("d_loss", Double.NaN),
                h.epochs().get(h.epochs().size() - 1).components().getOrDefault("g_loss", Double.NaN));
        out.flush();

        // the test days, read once and cached: both modes score the same rows in the same partitions
        Dataset<Row> test = ctx.spark().read().parquet(lake).where(col("dt").geq(firstTestDay))
                .persist(StorageLevel.MEMORY_ONLY());
        long rows = test.count();
        int batch = s.positiveInt("score.batch-size");
        Threshold threshold = trained.bundle().threshold();
        List<Measured> results = new ArrayList<>();
        try {
            AnoGanModel search = model.withScoreMode("search");
            results.add(measure(ctx, test, trained, search, "search", rows, batch, 0,
                    threshold.forScoreMode("search")));
            out.printf("search (n=%d): %.0f s%n", search.spec().searchIterations(), results.get(0).seconds());
            out.flush();
            results.add(measure(ctx, test, trained, model.withScoreMode("encoder"), "encoder", rows, batch,
                    minEncoderSeconds, threshold.forScoreMode("encoder")));
            for (int n : sweep) {
                AnoGanModel m = search.withSearch(n, search.spec().searchLearningRate(), search.spec().lambda());
                Measured r = measure(ctx, test, trained, m, "search n=" + n, rows, batch, 0, null);
                results.add(r);
                out.printf("%s: %.0f s%n", r.mode(), r.seconds());
                out.flush();
            }
        } finally {
            test.unpersist();
        }

        Measured search = results.get(0);
        Measured encoder = results.get(1);
        out.println();
        out.printf(Locale.ROOT, "%-16s %10s %8s %10s %12s %9s %9s%n", "score mode", "rows", "passes", "seconds",
                "rows/s", "ROC-AUC", "PR-AUC");
        for (Measured r : results) {
            out.printf(Locale.ROOT, "%-16s %,10d %8d %10.2f %,12.0f %9.4f %9.4f%n", r.mode(), r.rows(), r.passes(),
                    r.seconds(), r.rowsPerSecond(), r.metrics().rocAuc(), r.metrics().prAuc());
        }
        double speedup = encoder.rowsPerSecond() / search.rowsPerSecond();
        out.printf(Locale.ROOT, "search: n=%d Adam steps (lr %s, lambda %s), batches of %d rows; test days from %s;"
                        + " speedup %.1fx, ROC-AUC difference %.4f%n", model.spec().searchIterations(),
                model.spec().searchLearningRate(), model.spec().lambda(), batch, firstTestDay, speedup,
                search.metrics().rocAuc() - encoder.metrics().rocAuc());
        out.printf(Locale.ROOT, "anogan speedup=%.1f auc_search=%.4f auc_encoder=%.4f%n", speedup,
                search.metrics().rocAuc(), encoder.metrics().rocAuc());
        out.flush();
    }

    /**
     * Scores the cached rows with {@code model} through the score job's batch scorer: timed passes that only
     * aggregate (for the rate), then one pass kept for the metrics (the first pass when there is only one).
     */
    private static Measured measure(JobContext ctx, Dataset<Row> test, TrainStep.Result trained, AnoGanModel model,
                                    String mode, long rows, int batch, double minSeconds, Threshold threshold) {
        var bundle = trained.bundle();
        List<String> pass = List.of("record_id", "label");
        int passes = 0;
        double seconds = 0;
        Dataset<Row> kept = null;
        do {
            Dataset<Row> scored = BatchScorer.scoreRaw(test, pass, bundle.pipeline(), model, batch);
            long t0 = System.nanoTime();
            if (passes == 0) {
                kept = scored.persist(StorageLevel.MEMORY_ONLY());
                Row r = kept.agg(count("*"), sum(BatchScorer.SCORE)).first();
                if (r.getLong(0) != rows) {
                    throw new IllegalStateException("scored " + r.getLong(0) + " of " + rows + " rows");
                }
            } else {
                scored.agg(count("*"), sum(BatchScorer.SCORE)).first();
            }
            seconds += secs(t0);
            passes++;
        } while (seconds < minSeconds);
        try {
            double cut = threshold == null ? Double.POSITIVE_INFINITY : threshold.value();
            EvaluationResult metrics = BinaryEvaluator.evaluate(
                    kept.withColumn("is_anomaly", col(BatchScorer.SCORE).gt(cut)), "label", BatchScorer.SCORE,
                    "is_anomaly", 0);
            return new Measured(mode, rows, passes, seconds, metrics);
        } finally {
            kept.unpersist();
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
