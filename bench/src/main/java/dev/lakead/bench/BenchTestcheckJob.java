package dev.lakead.bench;

import dev.lakead.table.ScoreTable;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.data.HardLakeRecipes;
import dev.lakead.data.SyntheticMachineSeries;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.evaluation.LinearBaselines;
import dev.lakead.jobs.SparkJob;
import dev.lakead.models.ModelFamilies;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.PromoteStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.scoring.RealtimeScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the quality tests assert, measured in one run: every family trained with its test's recipe
 * ({@link HardLakeRecipes}) on the hard lake (the LSTM-AE on the frozen-machine series), its ROC-AUC on the test
 * rows against the strongest linear baseline ({@link LinearBaselines}) on the same rows; a better challenger
 * promoted over a barely trained champion; and, for every family that scores single records, whether the real-time
 * scorer gives the batch job's scores and decisions.
 */
@Command(name = "bench-testcheck", mixinStandardHelpOptions = true,
        description = {"Measure what the quality tests assert, in one run.",
                "Benchmark: each model family against the linear baselines on the hard synthetic lake (the quality",
                "tests' data and settings), a better challenger's promotion, real-time = batch scores.",
                "Last line: tests hard_lake_auc_margin=<min model - baseline ROC-AUC> promote_better=ok|failed"
                        + " realtime_families=<n>"})
final class BenchTestcheckJob extends SparkJob {
    @Option(names = "--workdir", defaultValue = "bench/output/testcheck", description = "Default: ${DEFAULT-VALUE}.")
    File workdir;
    @Option(names = "--families", split = ",", defaultValue = "autoencoder,vae,anogan,lstm-ae",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> families;
    @Option(names = "--rows-per-day", defaultValue = "2000",
            description = "Rows per day of the lake (the tests': 2,000). Default: ${DEFAULT-VALUE}.")
    long rowsPerDay;
    @Option(names = "--realtime-records", defaultValue = "500",
            description = "Records of the last day scored by the real-time scorer. Default: ${DEFAULT-VALUE}.")
    int realtimeRecords;

    /** One family's outcome; realtime is null for a sequence family (the real-time scorer refuses it). */
    record Outcome(String family, double auc, LinearBaselines.Result baseline, Boolean realtime, String bundle) {
        double margin() {
            return auc - baseline.auc();
        }
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        families.forEach(ModelFamilies::get); // an unknown type fails before any training
        String base = workdir.getAbsolutePath();
        List<Outcome> outcomes = new ArrayList<>();
        for (String family : families) {
            Outcome o = runFamily(ctx, family, base);
            outcomes.add(o);
            out.printf(Locale.ROOT, "%-12s roc_auc=%.4f baseline %s margin=%+.4f%n", family, o.auc(), o.baseline(),
                    o.margin());
            out.flush();
        }
        boolean promoted = promoteBetter(ctx, base, outcomes);

        out.println();
        out.printf("%-12s %9s %-10s %12s %8s  %s%n", "family", "roc_auc", "baseline", "baseline_auc", "margin",
                "realtime = batch");
        double minMargin = Double.POSITIVE_INFINITY;
        int realtimeFamilies = 0;
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, "%-12s %9.4f %-10s %12.4f %+8.4f  %s%n", o.family(), o.auc(), o.baseline().name(),
                    o.baseline().auc(), o.margin(), o.realtime() == null ? "n/a (sequence model)"
                            : o.realtime() ? "yes" : "NO");
            minMargin = Math.min(minMargin, o.margin());
            realtimeFamilies += Boolean.TRUE.equals(o.realtime()) ? 1 : 0;
        }
        out.println("baseline: the strongest of PCA reconstruction error with k = 1..d-1 components (k picked on the"
                + " test labels) and the summed squared z-score, on the same prepared rows");
        out.printf(Locale.ROOT, "tests hard_lake_auc_margin=%.4f promote_better=%s realtime_families=%d%n", minMargin,
                promoted ? "ok" : "failed", realtimeFamilies);
        out.flush();
    }

    private Outcome runFamily(JobContext ctx, String family, String base) {
        boolean sequence = HardLakeRecipes.onSeries(family);
        String input = sequence ? series(ctx, base) : lake(ctx, base, HardLakeRecipes.lakeSeed(family));
        String trainWhere = sequence ? HardLakeRecipes.SERIES_TRAIN : HardLakeRecipes.LAKE_TRAIN;
        String testWhere = sequence ? HardLakeRecipes.SERIES_TEST : HardLakeRecipes.LAKE_TEST;
        String run = base + "/" + family;
        Settings s = recipeSettings(ctx, family).with(
                "input.path", input,
                "prepared.path", run + "/prepared",
                "model.root", run + "/models",
                "model.name", family,
                "model.version", "run-" + System.currentTimeMillis(),
                "score.output-path", run + "/scores",
                "score.table-name", "",
                "score.key-columns", sequence ? "machine,seq,label" : "record_id,device_id,label",
                "evaluate.where", testWhere,
                "evaluate.output-dir", run + "/report");
        PreprocessStep.run(JobContext.of(ctx.spark(), s.with("input.where", trainWhere)));
        ModelBundle bundle = TrainStep.run(JobContext.of(ctx.spark(), s)).bundle();
        Settings scoring = s.with("model.path", bundle.path());
        ScoreStep.run(JobContext.of(ctx.spark(), scoring));
        double auc = EvaluateStep.run(JobContext.of(ctx.spark(), scoring)).metrics().rocAuc();
        Dataset<Row> rows = ctx.spark().read().parquet(input);
        LinearBaselines.Result baseline = LinearBaselines.strongest(bundle.pipeline(), rows, trainWhere, testWhere,
                "label");
        Boolean realtime = sequence ? null : realtimeEqualsBatch(ctx, bundle.path(), input, run + "/scores");
        return new Outcome(family, auc, baseline, realtime, bundle.path());
    }

    /** Defaults and --config, the family's recipe over them, then --set again so that a run can be made smaller. */
    private Settings recipeSettings(JobContext ctx, String family) {
        return ctx.settings().with(HardLakeRecipes.training(family)).with(setOverrides());
    }

    private String lake(JobContext ctx, String base, long seed) {
        String path = base + "/lake-" + seed;
        SyntheticSensorLake.Spec r = HardLakeRecipes.lake(seed);
        SyntheticSensorLake.Spec spec = new SyntheticSensorLake.Spec(rowsPerDay, r.days(), r.sensors(),
                r.anomalyRate(), r.missingRate(), seed, r.start(), r.partitions(), r.difficulty());
        if (!new File(path).isDirectory()) {
            SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), spec), path);
        }
        return path;
    }

    private String series(JobContext ctx, String base) {
        String path = base + "/series";
        if (!new File(path).isDirectory()) {
            SyntheticMachineSeries.generate(ctx.spark(), HardLakeRecipes.series(), 4).write().mode(SaveMode.Overwrite)
                    .partitionBy("dt").parquet(path);
        }
        return path;
    }

    /**
     * The real-time scorer on the last day's first records (ordered by record_id) gives the batch job's scores (to a
     * relative 1e-5) and decisions.
     */
    private boolean realtimeEqualsBatch(JobContext ctx, String bundle, String lake, String scores) {
        RealtimeScorer scorer = RealtimeScorer.load(bundle);
        List<Row> rows = ctx.spark().read().parquet(lake).where("dt = '" + HardLakeRecipes.START.plusDays(3) + "'")
                .orderBy("record_id").limit(realtimeRecords).collectAsList();
        Map<Long, Row> batch = new HashMap<>();
        for (Row r : ctx.spark().read().parquet(scores).where("dt = '" + HardLakeRecipes.START.plusDays(3) + "'")
                .collectAsList()) {
            batch.put(r.getLong(r.fieldIndex("record_id")), r);
        }
        List<RealtimeScorer.Scored> scored = scorer.scoreBatch(BenchRealtimeJob.records(rows, scorer));
        for (int i = 0; i < rows.size(); i++) {
            Row expected = batch.get(rows.get(i).getLong(rows.get(i).fieldIndex("record_id")));
            double score = expected.getDouble(expected.fieldIndex(ScoreTable.SCORE));
            if (Math.abs(score - scored.get(i).score()) > 1e-5 * Math.max(1, Math.abs(score))
                    || expected.getBoolean(expected.fieldIndex(ScoreTable.IS_ANOMALY)) != scored.get(i).anomaly()) {
                return false;
            }
        }
        return !rows.isEmpty();
    }

    /**
     * Champion/challenger with a known answer: a barely trained autoencoder (one epoch at a learning rate of 1e-6)
     * is made the champion, then the recipe's autoencoder must be promoted over it on the third day's labels.
     */
    private boolean promoteBetter(JobContext ctx, String base, List<Outcome> outcomes) {
        Outcome good = outcomes.stream().filter(o -> o.family().equals("autoencoder")).findFirst().orElse(null);
        if (good == null) {
            return false;
        }
        String run = base + "/autoencoder";
        Settings s = recipeSettings(ctx, "autoencoder").with(
                "input.path", lake(ctx, base, HardLakeRecipes.lakeSeed("autoencoder")),
                "prepared.path", run + "/prepared",
                "model.root", run + "/models",
                "model.name", "autoencoder",
                "threshold.validation.path", lake(ctx, base, HardLakeRecipes.lakeSeed("autoencoder")),
                "threshold.validation.where", "dt = '" + HardLakeRecipes.START.plusDays(2) + "'",
                "threshold.validation.label-column", "label");
        Settings weakSettings = s.with("model.version", "weak-" + System.currentTimeMillis(), "train.epochs", "1",
                "model.learning-rate", "0.000001");
        ModelBundle weak = TrainStep.run(JobContext.of(ctx.spark(), weakSettings)).bundle();
        PromoteStep.run(JobContext.of(ctx.spark(), s.with("model.path", weak.path())), true);
        PromoteStep.Result r = PromoteStep.run(JobContext.of(ctx.spark(), s.with("model.path", good.bundle())), false);
        return r.promoted() && r.challengerMetric() > r.championMetric();
    }
}
