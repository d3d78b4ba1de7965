package dev.lakead.bench;

import dev.lakead.table.ScoreTable;
import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.jobs.DemoLakeOptions;
import dev.lakead.jobs.SparkJob;
import dev.lakead.models.anogan.AnoGanModel;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.models.batch.BatchRows;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
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
 * cached input rows, so that the two rates compare the scorers and not Parquet I/O. The encoder scores the test rows
 * in less than a second, which Spark's per-job overhead would dominate: it is timed on the same rows repeated
 * (--encoder-rows per pass, cached in as many partitions as the test rows) over passes of at least
 * --min-encoder-seconds. Each mode is timed --repeats times, the modes alternating, and its best rate counts (the
 * machine may be shared with other work). ROC-AUC and PR-AUC of both on the test rows.
 */
@Command(name = "bench-anogan", mixinStandardHelpOptions = true,
        description = {"Compare AnoGAN's latent search with its encoder.",
                "Benchmark: AnoGAN scoring rows/s with the latent search vs the encoder (Fast-AnoGAN) and the",
                "ROC-AUC of both, on a generated sensor lake. Last line: anogan speedup=... auc_search=... auc_encoder=..."})
final class BenchAnoGanJob extends SparkJob {
    @Mixin
    DemoLakeOptions demoLake = new DemoLakeOptions();
    @Option(names = "--min-encoder-seconds", defaultValue = "3",
            description = "Repeat the timed encoder pass until it has run this long. Default: ${DEFAULT-VALUE}.")
    double minEncoderSeconds;
    @Option(names = "--encoder-rows", defaultValue = "300000",
            description = "Rows per timed encoder pass: the test rows repeated. Default: ${DEFAULT-VALUE}.")
    long encoderRows;
    @Option(names = "--sweep", split = ",", description = "Also score with these search iteration counts (n), e.g. 50,100,200.")
    List<Integer> sweep = new ArrayList<>();
    @Option(names = "--workdir", defaultValue = "bench/output/anogan", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;
    @Option(names = "--repeats", defaultValue = "2",
            description = "Timings per mode, alternating the modes; the best counts. Default: ${DEFAULT-VALUE}.")
    int repeats;
    @Option(names = "--reuse", description = "Reuse the lake and the latest bundle of an earlier run in --workdir (measure again without training).")
    boolean reuse;

    @Override
    protected List<String> presetResources() {
        return List.of("demo.conf", "demo-anogan.conf");
    }

    @Override
    protected void validate(Settings s) {
        demoLake.validate();
        if (repeats < 1) {
            throw new LakeadException("--repeats must be at least 1");
        }
        if (s.integer("model.anogan.encoder-epochs") <= 0) {
            throw new LakeadException("bench-anogan compares the search with the encoder: model.anogan.encoder-epochs"
                    + " must be positive");
        }
    }

    /** One score mode's measurement: the best rate of its timings and the metrics of its scores. */
    record Measured(String mode, long rows, int timings, double rowsPerSecond, EvaluationResult metrics) {
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        String base = workdir.getAbsolutePath();
        String lake = base + "/lake";
        String firstTestDay = demoLake.firstTestDay();
        Settings s = ctx.settings().with(
                "input.path", lake,
                "prepared.path", base + "/prepared",
                "model.root", base + "/models");
        ModelBundle bundle;
        if (reuse) {
            bundle = JobContext.of(ctx.spark(), s).loadBundle();
            out.printf("reusing %s and the lake %s%n", bundle.path(), lake);
        } else {
            long t0 = System.nanoTime();
            SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), demoLake.spec()), lake);
            out.printf("lake: %,d rows/day x %d days, 8 sensors (%.0f s)%n", demoLake.rowsPerDay, demoLake.days,
                    secs(t0));
            out.flush();
            Settings train = s.with("input.where", "dt < '" + firstTestDay + "' AND label = 0");
            PreprocessStep.run(JobContext.of(ctx.spark(), train));
            t0 = System.nanoTime();
            TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), train));
            double trainSeconds = secs(t0);
            bundle = trained.bundle();
            var h = trained.trained().history();
            out.printf("train: GAN %d epochs + encoder, %d workers, thresholds of both modes: %.0f s; final"
                            + " d_loss=%.4f g_loss=%.4f%n", h.epochs().size(), h.workers(), trainSeconds,
                    h.epochs().get(h.epochs().size() - 1).components().getOrDefault("d_loss", Double.NaN),
                    h.epochs().get(h.epochs().size() - 1).components().getOrDefault("g_loss", Double.NaN));
            out.flush();
        }
        AnoGanModel model = (AnoGanModel) bundle.model();

        // the test days, read once and cached: both modes score the same rows in the same partitions, one per core
        int partitions = ctx.spark().sparkContext().defaultParallelism();
        Dataset<Row> test = ctx.spark().read().parquet(lake).where(col("dt").geq(firstTestDay))
                .repartition(partitions).persist(StorageLevel.MEMORY_ONLY());
        long rows = test.count();
        out.printf("test: %,d rows from %s on, cached in %d partitions%n", rows, firstTestDay, partitions);
        BatchRows batch = dev.lakead.models.ScoringOptions.batchRows(s);
        Threshold threshold = bundle.threshold();
        int copies = (int) Math.max(1, Math.min(1000, encoderRows / Math.max(1, rows)));
        Dataset<Row> union = test;
        for (int i = 1; i < copies; i++) {
            union = union.union(test);
        }
        // the copies cached in the same number of partitions as the test rows: one task per core for both modes
        Dataset<Row> repeated = copies == 1 ? test
                : union.repartition(partitions).persist(StorageLevel.MEMORY_ONLY());
        repeated.count();
        AnoGanModel search = model.withScoreMode("search");
        AnoGanModel encoder = model.withScoreMode("encoder");
        List<Measured> results = new ArrayList<>();
        try {
            // metrics of both modes from one pass each (the search's is also its first timing)
            long t0 = System.nanoTime();
            EvaluationResult searchMetrics = evaluate(test, bundle, search, rows, batch,
                    threshold.forScoreMode("search"));
            double searchRate = rows / secs(t0);
            out.printf("search (n=%d): %.0f s%n", search.spec().searchIterations(), rows / searchRate);
            out.flush();
            EvaluationResult encoderMetrics = evaluate(test, bundle, encoder, rows, batch,
                    threshold.forScoreMode("encoder"));
            // timings, the two modes alternating, best of --repeats each (the machine may be shared)
            double encoderRate = 0;
            for (int r = 0; r < repeats; r++) {
                if (r > 0) {
                    searchRate = Math.max(searchRate, rate(repeated.sparkSession(), test, bundle, search, rows, batch,
                            0));
                }
                encoderRate = Math.max(encoderRate, rate(repeated.sparkSession(), repeated, bundle, encoder,
                        rows * copies, batch, minEncoderSeconds));
            }
            results.add(new Measured("search", rows, repeats, searchRate, searchMetrics));
            results.add(new Measured("encoder", rows * copies, repeats, encoderRate, encoderMetrics));
            for (int n : sweep) {
                AnoGanModel m = search.withSearch(n, search.spec().searchLearningRate(), search.spec().lambda());
                t0 = System.nanoTime();
                EvaluationResult metrics = evaluate(test, bundle, m, rows, batch, null);
                results.add(new Measured("search n=" + n, rows, 1, rows / secs(t0), metrics));
                out.printf("search n=%d: %.0f s%n", n, secs(t0));
                out.flush();
            }
        } finally {
            repeated.unpersist();
            test.unpersist();
        }

        Measured searchResult = results.get(0);
        Measured encoderResult = results.get(1);
        out.println();
        out.printf(Locale.ROOT, "%-16s %10s %8s %12s %9s %9s%n", "score mode", "rows/pass", "timings", "rows/s",
                "ROC-AUC", "PR-AUC");
        for (Measured r : results) {
            out.printf(Locale.ROOT, "%-16s %,10d %8d %,12.0f %9.4f %9.4f%n", r.mode(), r.rows(), r.timings(),
                    r.rowsPerSecond(), r.metrics().rocAuc(), r.metrics().prAuc());
        }
        double speedup = encoderResult.rowsPerSecond() / searchResult.rowsPerSecond();
        out.printf(Locale.ROOT, "search: n=%d Adam steps (lr %s, lambda %s), batches of %s rows; %d partitions;"
                        + " encoder timed on the test rows x %d per pass; speedup %.1fx, ROC-AUC search - encoder"
                        + " %.4f%n", model.spec().searchIterations(), model.spec().searchLearningRate(),
                model.spec().lambda(), batch, partitions, copies, speedup,
                searchResult.metrics().rocAuc() - encoderResult.metrics().rocAuc());
        out.printf(Locale.ROOT, "anogan speedup=%.1f auc_search=%.4f auc_encoder=%.4f%n", speedup,
                searchResult.metrics().rocAuc(), encoderResult.metrics().rocAuc());
        out.flush();
    }

    private static final List<String> PASS = List.of("record_id", "label");

    /** Scores the cached rows through the score job's batch scorer and evaluates the scores against the labels. */
    private static EvaluationResult evaluate(Dataset<Row> test, ModelBundle bundle, AnoGanModel model, long rows,
                                             BatchRows batch, Threshold threshold) {
        Dataset<Row> kept = BatchScorer.scoreRaw(test, PASS, bundle.pipeline(), model, batch,
                        BatchScorer.Outputs.SCORE_ONLY)
                .persist(StorageLevel.MEMORY_ONLY());
        try {
            long n = kept.count();
            if (n != rows) {
                throw new IllegalStateException("scored " + n + " of " + rows + " rows");
            }
            double cut = threshold == null ? Double.POSITIVE_INFINITY : threshold.value();
            return BinaryEvaluator.evaluate(kept.withColumn(ScoreTable.IS_ANOMALY, col(BatchScorer.SCORE).gt(cut)), "label",
                    BatchScorer.SCORE, ScoreTable.IS_ANOMALY, 0);
        } finally {
            kept.unpersist();
        }
    }

    /** Rows/s of scoring {@code input} (only aggregating the scores), over passes lasting at least minSeconds. */
    private static double rate(org.apache.spark.sql.SparkSession spark, Dataset<Row> input, ModelBundle bundle,
                               AnoGanModel model, long rows, BatchRows batch, double minSeconds) {
        double seconds = 0;
        int passes = 0;
        do {
            Dataset<Row> scored = BatchScorer.scoreRaw(input, PASS, bundle.pipeline(), model, batch,
                    BatchScorer.Outputs.SCORE_ONLY);
            long t0 = System.nanoTime();
            scored.agg(count("*"), sum(BatchScorer.SCORE)).first();
            seconds += secs(t0);
            passes++;
        } while (seconds < minSeconds);
        return rows * (double) passes / seconds;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
