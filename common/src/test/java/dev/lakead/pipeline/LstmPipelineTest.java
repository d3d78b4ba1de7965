package dev.lakead.pipeline;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.HardLakeRecipes;
import dev.lakead.data.SyntheticMachineSeries;
import dev.lakead.evaluation.LinearBaselines;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LSTM Autoencoder end to end on multivariate series with contextual anomalies: two machines freeze for 20 steps,
 * every record of the frozen segments normal by itself (global and per-entity models). The model must beat the
 * linear baselines of single records (PCA, z-score) on the same rows.
 */
class LstmPipelineTest extends SparkTestSupport {
    private static final SyntheticMachineSeries.Spec SPEC = HardLakeRecipes.series();
    private static final int STEPS = SPEC.steps();
    private static final int ANOMALY_FROM = SPEC.segments().get(0).from(); // of m2
    private static final int ANOMALY_TO = SPEC.segments().get(0).to();
    /** How much the LSTM-AE's ROC-AUC must exceed the strongest baseline of single records on the same rows. */
    static final double MARGIN = 0.10;

    @BeforeAll
    static void series() {
        // shuffled and spread over partitions: windows must still follow time order per machine
        SyntheticMachineSeries.generate(spark, SPEC, 4).write().mode(SaveMode.Overwrite).partitionBy("dt")
                .parquet(path("series"));
    }

    private static LinearBaselines.Result baseline(TrainStep.Result trained) {
        return LinearBaselines.strongest(trained.bundle().pipeline(), spark.read().parquet(path("series")),
                HardLakeRecipes.SERIES_TRAIN, HardLakeRecipes.SERIES_TEST, "label");
    }

    private static Settings settings() {
        return fastSettings().with(HardLakeRecipes.training("lstm-ae")).with(
                "input.path", path("series"),
                "model.name", "machines",
                "score.output-path", path("scores"),
                "score.table-name", "",
                "score.key-columns", "machine,seq,label",
                "evaluate.point-adjust", "true",
                "evaluate.where", HardLakeRecipes.SERIES_TEST);
    }

    @Test
    void everyRecordIsScoredOnceAndTheFrozenSegmentsAreFound() {
        Settings s = settings();
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark,
                s.with("input.where", HardLakeRecipes.SERIES_TRAIN)));
        assertEquals(List.of("a", "b", "c"), prep.featureColumns(), "machine and seq are keys, not features");
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s));
        assertEquals(2, trained.trained().history().workers());
        assertTrue(trained.trained().history().lastLoss() < trained.trained().history().firstLoss());

        ScoreStep.run(JobContext.of(spark, s));
        Dataset<Row> table = spark.read().parquet(path("scores"));
        assertEquals(3L * STEPS, table.count());
        assertEquals(3L * STEPS, table.select("machine", "seq").distinct().count());
        assertEquals(0, table.where("anomaly_score IS NULL").count(), "records at the series' ends are covered");

        List<Row> top = table.where("machine = 'm2'").orderBy(org.apache.spark.sql.functions.desc("anomaly_score"))
                .limit(10).collectAsList();
        for (Row row : top) {
            int seq = row.getInt(row.fieldIndex("seq"));
            assertTrue(seq >= ANOMALY_FROM - 10 && seq < ANOMALY_TO + 10, "top score at seq " + seq);
        }
        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark, s));
        assertEquals(1.0, eval.pointAdjusted().anomaly().recall(), "both frozen segments are detected");
        LinearBaselines.Result baseline = baseline(trained);
        System.out.printf("quality lstm-ae global roc_auc=%.4f baseline %s%n", eval.metrics().rocAuc(), baseline);
        assertTrue(eval.metrics().rocAuc() >= baseline.auc() + MARGIN, "LSTM-AE ROC-AUC " + eval.metrics().rocAuc()
                + " vs baseline " + baseline);
    }

    @Test
    void perEntityModeTrainsOneModelAndThresholdPerEntity() {
        Settings s = settings().with("timeseries.mode", "per-entity", "model.name", "machines-per-entity",
                "prepared.path", path("prepared-per-entity"), "score.output-path", path("scores-per-entity"),
                "evaluate.output-dir", path("reports-per-entity"), "train.epochs", "15",
                "threshold.adaptive.half-life", "0"); // the entities' static thresholds (adaptive: AdaptiveScoringTest)
        PreprocessStep.run(JobContext.of(spark, s.with("input.where", HardLakeRecipes.SERIES_TRAIN)));
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s));
        var models = (dev.lakead.models.lstm.PerEntityModels) trained.bundle().model();
        assertEquals(java.util.Set.of("m1", "m2", "m3"), models.models().keySet());
        // the entities trained as separate tasks, side by side on local[2] (a single task would give at most 1.0;
        // the bound leaves room for a busy machine)
        double parallelism = trained.trained().history().parallelism();
        assertTrue(parallelism > 1.05, "sum of entity training times / wall time = " + parallelism);
        // the bundle round-trips with its per-entity models
        var reloaded = (dev.lakead.models.lstm.PerEntityModels) JobContext.of(spark,
                s.with("model.path", trained.bundle().path())).loadBundle().model();
        assertEquals(models.thresholds(), reloaded.thresholds());

        ScoreStep.run(JobContext.of(spark, s));
        Dataset<Row> table = spark.read().parquet(path("scores-per-entity"));
        assertEquals(3L * STEPS, table.count());
        assertEquals(3L * STEPS, table.select("machine", "seq").distinct().count());
        assertEquals(3, table.select("machine", "threshold").distinct().count(), "one threshold per machine");
        assertEquals(models.thresholds().get("m2"),
                table.where("machine = 'm2'").select("threshold").first().getDouble(0), 1e-12);
        // the normalised score divides by each machine's own threshold: 1 is every machine's decision boundary
        assertEquals(0, table.where("abs(anomaly_score_normalized - anomaly_score / threshold) > 1e-12"
                + " OR is_anomaly <> (anomaly_score_normalized > 1)").count());
        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark, s));
        assertEquals("anomaly_score_normalized", eval.report().get("ranking_score"));
        assertEquals(1.0, eval.pointAdjusted().anomaly().recall());
        LinearBaselines.Result baseline = baseline(trained);
        System.out.printf("quality lstm-ae per-entity roc_auc=%.4f baseline %s%n", eval.metrics().rocAuc(), baseline);
        assertTrue(eval.metrics().rocAuc() >= baseline.auc() + MARGIN, "per-entity ROC-AUC " + eval.metrics().rocAuc()
                + " vs baseline " + baseline);

        // per-feature errors: the whole machine froze, so every feature of its worst record errs more than that
        // feature does on most normal records; and the features' errors average to the score
        Settings withErrors = s.with("model.path", trained.bundle().path(), "score.feature-errors", "true",
                "score.output-path", path("scores-feature-errors"));
        ScoreStep.run(JobContext.of(spark, withErrors));
        Dataset<Row> explained = spark.read().parquet(path("scores-feature-errors"));
        assertEquals(3L * STEPS, explained.count());
        Row worst = explained.where("machine = 'm2'").orderBy(org.apache.spark.sql.functions.desc("anomaly_score"))
                .selectExpr("anomaly_score", "feature_errors['a']", "feature_errors['b']", "feature_errors['c']")
                .first();
        Row normalMedians = explained.where("label = 0").selectExpr("percentile_approx(feature_errors['a'], 0.5)",
                "percentile_approx(feature_errors['b'], 0.5)", "percentile_approx(feature_errors['c'], 0.5)").first();
        for (int f = 0; f < 3; f++) {
            assertTrue(worst.getDouble(f + 1) > normalMedians.getDouble(f), "feature " + f + " of the frozen record "
                    + worst + " vs normal medians " + normalMedians);
        }
        assertEquals(worst.getDouble(0), (worst.getDouble(1) + worst.getDouble(2) + worst.getDouble(3)) / 3, 1e-4);
        assertEquals(0, explained.where("size(feature_errors) != 3").count());

        var noLatent = assertThrows(dev.lakead.LakeadException.class, () -> ScoreStep.run(JobContext.of(spark,
                withErrors.with("score.latent-export", "columns"))));
        assertTrue(noLatent.getMessage().contains("score.latent-export"), noLatent.getMessage());
    }
}
