package dev.lakead.pipeline;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.HardLakeRecipes;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.evaluation.LinearBaselines;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * preprocess -> train -> score -> evaluate on the hard generated lake (non-linear sensors, 1-sigma anomalies that
 * break a relation between sensors), where the autoencoder has to beat the linear baselines on the same rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec SPEC = HardLakeRecipes.lake(HardLakeRecipes.lakeSeed("autoencoder"));
    /** How much the autoencoder's ROC-AUC must exceed the strongest linear baseline's on the same rows. */
    static final double MARGIN = 0.05;
    private static long lakeRows;
    private static Settings settings;
    private static TrainStep.Result trained;
    /** A barely trained challenger (test 8), kept for the promotion tests after it. */
    private static TrainStep.Result weak;

    @BeforeAll
    static void lake() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, SPEC), path("lake"));
        lakeRows = spark.read().parquet(path("lake")).count();
        settings = fastSettings().with(HardLakeRecipes.training("autoencoder")).with(
                "input.path", path("lake"),
                "model.name", "sensors",
                "score.output-path", path("scores"),
                "score.table-name", "sensor_scores",
                "score.key-columns", "record_id,device_id,label",
                "score.batch-size", "500");
    }

    @Test
    @Order(1)
    void trainsThroughSparkAndWritesABundle() {
        Settings train = settings.with("input.where", HardLakeRecipes.LAKE_TRAIN);
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark, train));
        assertEquals(9, prep.featureColumns().size(), "8 sensors + firmware_version");
        assertTrue(!prep.featureColumns().contains("record_id") && !prep.featureColumns().contains("label"));
        long normalRows = spark.read().parquet(path("lake")).where("dt < '2026-11-03' AND label = 0").count();
        assertEquals(normalRows, prep.inputRows());

        trained = TrainStep.run(JobContext.of(spark, train));
        var history = trained.trained().history();
        assertEquals(2, (int) history.asMap().get("workers"));
        assertTrue(history.lastLoss() < history.firstLoss() * 0.8,
                "loss should fall: " + history.firstLoss() + " -> " + history.lastLoss());
        assertTrue(new File(trained.bundle().path(), "network.bin").isFile());
        assertEquals("v1", trained.bundle().version());
        assertTrue(trained.bundle().threshold().value() > 0);
    }

    @Test
    @Order(2)
    void scoresEveryRowOnceAndBeatsTheLinearBaselinesOnHeldOutDays() {
        ScoreStep.run(JobContext.of(spark, settings));
        Dataset<Row> table = spark.read().parquet(path("scores"));
        assertEquals(lakeRows, table.count());
        assertEquals(lakeRows, table.select("record_id").distinct().count());
        assertEquals(List.of("record_id", "device_id", "label", BatchScorer.SCORE, "is_anomaly", "threshold",
                "anomaly_score_normalized", "model_name", "model_version", "scored_at", "dt"), Arrays.asList(table.columns()));
        assertEquals(lakeRows, spark.sql("SELECT count(*) FROM sensor_scores").first().getLong(0));

        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark,
                settings.with("evaluate.where", "dt >= '2026-11-03'")));
        // the same held-out rows, the same prepared features: PCA with every k (the best picked on these labels) and
        // the z-score; the hard lake defeats them, the autoencoder's model of the curved surface does not
        LinearBaselines.Result baseline = LinearBaselines.strongest(trained.bundle().pipeline(),
                spark.read().parquet(path("lake")), HardLakeRecipes.LAKE_TRAIN, HardLakeRecipes.LAKE_TEST, "label");
        double auc = eval.metrics().rocAuc();
        System.out.printf("quality autoencoder roc_auc=%.4f baseline %s%n", auc, baseline);
        assertTrue(auc >= baseline.auc() + MARGIN, "autoencoder ROC-AUC " + auc + " vs baseline " + baseline);
        assertTrue(new File(eval.reportPath()).isFile());
        // the HTML report sits next to the JSON, with every figure it references
        File html = new File(eval.htmlPath());
        assertEquals(new File(eval.reportPath()).getParentFile(), html.getParentFile());
        String page = assertDoesNotThrow(() -> java.nio.file.Files.readString(html.toPath()));
        for (String png : List.of("loss_curve.png", "score_histogram.png", "roc_curve.png", "precision_recall.png")) {
            assertTrue(page.contains("src=\"" + png + "\""), "report.html references " + png);
            File f = new File(html.getParentFile(), png);
            assertTrue(f.isFile() && f.length() > 5_000, png + " written");
        }
        assertTrue(page.contains("actual anomaly") && page.contains("f1-score"), "confusion matrix and report");
        // 3 % anomalies: a random ranking has an average precision of 0.03
        assertTrue((double) eval.report().get("average_precision") > 0.3, "AP " + eval.report());
    }

    @Test
    @Order(3)
    void rescoringAPartitionReplacesItAndLeavesTheOthers() {
        Dataset<Row> before = spark.read().parquet(path("scores"));
        long otherBefore = before.where("dt <> '2026-11-04'").count();
        Row stampOther = before.where("dt = '2026-11-01'").select("scored_at").distinct().first();

        ScoreStep.run(JobContext.of(spark, settings.with("input.where", "dt = '2026-11-04'")));
        ScoreStep.run(JobContext.of(spark, settings.with("input.where", "dt = '2026-11-04'")));

        Dataset<Row> after = spark.read().parquet(path("scores"));
        assertEquals(lakeRows, after.count());
        assertEquals(lakeRows, after.select("record_id").distinct().count());
        assertEquals(otherBefore, after.where("dt <> '2026-11-04'").count());
        assertEquals(stampOther, after.where("dt = '2026-11-01'").select("scored_at").distinct().first());
        assertEquals(SPEC.rowsPerDay(), after.where(col("dt").equalTo("2026-11-04")).count());
    }

    @Test
    @Order(4)
    void labelledThresholdBecomesANewVersionAndRelabellingKeepsTheScores() {
        Settings s = settings.with("model.path", trained.bundle().path());
        // max-F1 on a labelled validation table: a day of raw records, scored with the model
        Settings maxF1 = s.with("threshold.method", "max-f1", "threshold.validation.path", path("lake"),
                "threshold.validation.where", "dt = '2026-11-03'", "threshold.validation.label-column", "label");
        dev.lakead.thresholds.Threshold t = ThresholdStep.run(JobContext.of(spark, maxF1));
        var bundle = JobContext.of(spark, s).loadBundle();
        assertEquals(2, bundle.thresholdVersion());
        assertEquals("max-f1", bundle.threshold().method());
        assertEquals(t.value(), bundle.threshold().value(), 0);
        // the F1-maximising threshold does at least as well on that day as the training threshold (95th percentile
        // of the training scores), whose decisions the score table holds (up to the curve's binning)
        Row day3 = spark.read().parquet(path("scores")).where("dt = '2026-11-03'").selectExpr(
                "sum(CAST(is_anomaly AND label = 1 AS INT))", "sum(CAST(is_anomaly AS INT))", "sum(label)").first();
        double trainingF1 = 2.0 * day3.getLong(0) / (day3.getLong(1) + day3.getLong(2));
        double validationF1 = (double) t.parameters().get("validation_f1");
        assertTrue(validationF1 >= trainingF1 - 0.01 && validationF1 > 0.3, "F1 on validation " + t.parameters()
                + " vs the training threshold's " + trainingF1);
        assertTrue(new File(bundle.path(), "thresholds/t1.json").isFile(), "the training threshold is kept");
        assertTrue(new File(bundle.path(), "thresholds/t2.json").isFile());

        // re-adjust from one scored day (median of its scores) and re-label that day without rescoring
        List<Row> before = spark.read().parquet(path("scores")).orderBy("record_id")
                .select("record_id", "anomaly_score", "is_anomaly", "dt").collectAsList();
        ThresholdAdjustStep.Result r = ThresholdAdjustStep.run(JobContext.of(spark, s.with(
                "threshold.method", "percentile", "threshold.percentile", "0.5",
                "threshold.adjust.where", "dt = '2026-11-04'", "threshold.adjust.relabel", "true")));
        assertEquals(3, r.version());
        assertEquals(SPEC.rowsPerDay(), r.scoredRows());
        assertEquals(SPEC.rowsPerDay(), r.relabelledRows());
        assertTrue(r.changedDecisions() > SPEC.rowsPerDay() / 3, "about half the day flips to anomalous");
        List<Row> after = spark.read().parquet(path("scores")).orderBy("record_id")
                .select("record_id", "anomaly_score", "is_anomaly", "dt", "threshold").collectAsList();
        assertEquals(before.size(), after.size());
        long flagged = 0;
        for (int i = 0; i < before.size(); i++) {
            Row b = before.get(i);
            Row a = after.get(i);
            assertEquals(b.getLong(0), a.getLong(0));
            assertEquals(b.getDouble(1), a.getDouble(1), 0, "anomaly_score untouched");
            if ("2026-11-04".equals(String.valueOf(a.get(3)))) {
                assertEquals(a.getDouble(1) > r.threshold().value(), a.getBoolean(2));
                assertEquals(r.threshold().value(), a.getDouble(4), 0);
                flagged += a.getBoolean(2) ? 1 : 0;
            } else {
                assertEquals(b.getBoolean(2), a.getBoolean(2), "other days keep their labels");
            }
        }
        assertEquals(SPEC.rowsPerDay() / 2.0, flagged, SPEC.rowsPerDay() * 0.02);

        // roll back to the training threshold
        var rolledBack = bundle.activateThreshold(new dev.lakead.io.HadoopFiles(
                spark.sparkContext().hadoopConfiguration()), 1);
        assertEquals(1, JobContext.of(spark, s).loadBundle().thresholdVersion());
        assertEquals(trained.bundle().threshold().value(), rolledBack.threshold().value(), 0);
    }

    @Test
    @Order(5)
    void perSegmentThresholdsDecideEachDevice() {
        Settings s = settings.with("model.path", trained.bundle().path(), "threshold.method", "target-fpr",
                "threshold.target-fpr", "0.01", "threshold.segment-column", "device_id",
                "threshold.validation.path", path("lake"), "threshold.validation.where", "dt = '2026-11-03'",
                "threshold.validation.label-column", "label", "threshold.min-segment-rows", "50",
                "score.output-path", path("scores-per-device"), "score.table-name", "",
                "score.key-columns", "record_id,label");
        dev.lakead.thresholds.Threshold t = ThresholdStep.run(JobContext.of(spark, s));
        assertEquals(20, t.segments().size(), "100 validation rows per device >= 50");
        ScoreStep.run(JobContext.of(spark, s.with("input.where", "dt = '2026-11-04'")));
        Dataset<Row> table = spark.read().parquet(path("scores-per-device"));
        assertEquals(SPEC.rowsPerDay(), table.count());
        assertTrue(Arrays.asList(table.columns()).contains("device_id"), "the segment column is kept");
        assertEquals(20, table.select("threshold").distinct().count());
        assertEquals(t.segments().get("dev-007"), table.where("device_id = 'dev-007'").select("threshold").first()
                .getDouble(0), 0);
        assertEquals(0, table.where("is_anomaly <> (anomaly_score > threshold)").count());
        assertEquals(0, table.where("abs(anomaly_score_normalized - anomaly_score / threshold) > 1e-12"
                + " OR is_anomaly <> (anomaly_score_normalized > 1)").count());
        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark, s.with("evaluate.input-path",
                path("scores-per-device"), "evaluate.output-dir", path("report-per-device"))));
        String page = assertDoesNotThrow(() -> java.nio.file.Files.readString(new File(eval.htmlPath()).toPath()));
        assertTrue(page.contains("Segments by <code>device_id</code>"), "per-segment table");
        assertEquals(20, page.split("<td class=\"l\">dev-0", -1).length - 1, "one row per device");

        // too few rows per segment: every device falls back to the global threshold
        dev.lakead.thresholds.Threshold global = ThresholdStep.run(JobContext.of(spark,
                s.with("threshold.min-segment-rows", "150")));
        assertTrue(global.segments().isEmpty());
        assertEquals(global.value(), global.valueFor("dev-007"), 0);
    }

    @Test
    @Order(6)
    void realtimeScorerGivesTheBatchScoresWithoutSpark() {
        var scorer = dev.lakead.scoring.RealtimeScorer.load(trained.bundle().path());
        List<String> features = scorer.featureColumns();
        List<Row> lake = spark.read().parquet(path("lake")).where("dt = '2026-11-04'").orderBy("record_id")
                .limit(300).collectAsList();
        java.util.Map<Long, Double> batch = new java.util.HashMap<>();
        spark.read().parquet(path("scores")).where("dt = '2026-11-04'").select("record_id", "anomaly_score")
                .collectAsList().forEach(r -> batch.put(r.getLong(0), r.getDouble(1)));
        List<java.util.Map<String, Object>> records = new java.util.ArrayList<>();
        for (Row r : lake) {
            java.util.Map<String, Object> m = new java.util.HashMap<>();
            for (String f : features) {
                m.put(f, r.get(r.fieldIndex(f)));
            }
            records.add(m);
        }
        var scored = scorer.scoreBatch(records);
        assertEquals(lake.size(), scored.size());
        for (int i = 0; i < lake.size(); i++) {
            double expected = batch.get(lake.get(i).getLong(lake.get(i).fieldIndex("record_id")));
            assertEquals(expected, scored.get(i).score(), 1e-6 * Math.max(1, expected), "record " + i);
            assertEquals(scored.get(i).score() > scorer.threshold().value(), scored.get(i).anomaly());
        }
        // one record alone gives the same score as inside the batch
        assertEquals(scored.get(7).score(), scorer.score(records.get(7)).score(), 1e-6);
        var missing = new java.util.HashMap<>(records.get(0));
        missing.remove(features.get(0));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class,
                () -> scorer.score(missing));
        assertTrue(e.getMessage().contains("'" + features.get(0) + "'"), e.getMessage());
    }

    @Test
    @Order(7)
    void driftFindsTheShiftedFeatureAndARerunReplacesItsRows() {
        String shifted = trained.bundle().pipeline().columns().get(0);
        Dataset<Row> lake = spark.read().parquet(path("lake"));
        double sd = lake.agg(org.apache.spark.sql.functions.stddev(col(shifted))).first().getDouble(0);
        lake.withColumn(shifted, org.apache.spark.sql.functions.when(col("dt").cast("string").equalTo("2026-11-04"),
                        col(shifted).plus(3 * sd)).otherwise(col(shifted)))
                .write().partitionBy("dt").parquet(path("lake-drifted"));
        Settings s = settings.with("model.path", trained.bundle().path(), "input.path", path("lake-drifted"),
                "drift.where", "dt = '2026-11-04'", "drift.reference-where", "dt < '2026-11-03'",
                "drift.output-path", path("drift"), "drift.table-name", "", "drift.summary-path",
                path("drift-summary.json"));
        DriftStep.Result r = DriftStep.run(JobContext.of(spark, s));
        int features = trained.bundle().pipeline().size();
        assertEquals(features + 2, r.rows(), "every feature, the score distribution and the anomaly rate");
        Dataset<Row> drift = spark.read().parquet(path("drift"));
        Row moved = drift.where(col("feature").equalTo(shifted)).first();
        assertTrue(moved.getDouble(moved.fieldIndex("psi")) > 1.0, "PSI of the shifted feature: " + moved);
        assertTrue(moved.getDouble(moved.fieldIndex("ks")) > 0.5, "KS of the shifted feature: " + moved);
        assertTrue(moved.getBoolean(moved.fieldIndex("drifted")));
        for (Row other : drift.where(col("feature").notEqual(shifted).and(col("feature").startsWith("__").unary_$bang()))
                .collectAsList()) {
            assertTrue(other.getDouble(other.fieldIndex("psi")) < 0.1, "unchanged feature: " + other);
            assertTrue(!other.getBoolean(other.fieldIndex("drifted")));
        }
        assertTrue(r.retrainRecommended());
        assertTrue(r.reasons().stream().anyMatch(x -> x.contains(shifted)), r.reasons().toString());
        // day 4 was re-labelled at the median earlier in this class: its anomaly rate is far above the reference's
        Row rate = drift.where(col("feature").equalTo(DriftStep.RATE_FEATURE)).first();
        assertEquals(0.5, rate.getDouble(rate.fieldIndex("rate")), 0.02);
        assertTrue(rate.getBoolean(rate.fieldIndex("drifted")));
        DriftSummary summary = DriftSummary.read(
                new dev.lakead.io.HadoopFiles(spark.sparkContext().hadoopConfiguration()), path("drift-summary.json"));
        assertTrue(summary.isFor("dt = '2026-11-04'") && !summary.isFor("dt = '2026-11-03'"), summary.where());
        assertEquals(List.of("2026-11-04"), summary.partitions(), "the partitions it checked");
        assertEquals("dt", summary.partitionColumn());
        assertTrue(summary.retrainRecommended());
        assertEquals(r.reasons(), summary.reasons());
        // the input was audited as preprocess and score audit theirs: every row read (the lake's missing values
        // counted and, under the default impute, left out of the histograms), the counts in the summary
        assertEquals(lakeRows, ((Number) summary.inputAudit().get("rows_read")).longValue(), summary.toJson());
        assertEquals(r.audit().rowsWithUnusableValues(),
                ((Number) summary.inputAudit().get("rows_with_unusable_values")).longValue());
        assertEquals(lakeRows, r.audit().rowsOut());
        long missing = r.audit().unusableValues().get(shifted);

        DriftStep.run(JobContext.of(spark, s));
        assertEquals(features + 2, spark.read().parquet(path("drift")).count(), "a rerun replaces its partition");

        // one NaN feature value: counted, and input.malformed = fail stops the job naming the setting
        spark.read().parquet(path("lake-drifted")).withColumn(shifted, org.apache.spark.sql.functions.when(
                        col("record_id").equalTo(lake.where(col(shifted).isNotNull()).select("record_id").first()
                                .get(0)), Double.NaN)
                .otherwise(col(shifted))).write().partitionBy("dt").parquet(path("lake-nan"));
        Settings nan = s.with("input.path", path("lake-nan"));
        assertEquals(missing + 1, DriftStep.run(JobContext.of(spark, nan)).audit().unusableValues().get(shifted));
        var failed = org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class,
                () -> DriftStep.run(JobContext.of(spark, nan.with("input.malformed", "fail"))));
        assertTrue(failed.getMessage().contains("input.malformed") && failed.getMessage().contains(shifted),
                failed.getMessage());
    }

    @Test
    @Order(8)
    void aWorseChallengerIsNotPromotedAndRollbackRestoresTheChampion() {
        Settings s = settings.with("threshold.validation.path", path("lake"), "threshold.validation.where",
                "dt = '2026-11-03'", "threshold.validation.label-column", "label", "threshold.method", "percentile");
        PromoteStep.Result first = PromoteStep.run(JobContext.of(spark, s.with("model.path", trained.bundle().path())),
                false);
        assertTrue(first.promoted(), "no champion yet");
        assertTrue(first.challengerMetric() > 0.9, "ROC-AUC " + first.challengerMetric());

        // a barely trained challenger (one epoch, tiny learning rate) must lose against it
        weak = TrainStep.run(JobContext.of(spark, s.with("input.where",
                "dt < '2026-11-03' AND label = 0", "train.epochs", "1", "model.learning-rate", "0.000001",
                "model.hidden-sizes", "3,2")));
        PromoteStep.Result second = PromoteStep.run(JobContext.of(spark, s), false);
        assertEquals(weak.bundle().path(), second.challenger());
        assertTrue(!second.promoted(), "weaker challenger " + second.challengerMetric() + " vs "
                + second.championMetric());
        assertEquals(trained.bundle().path(), JobContext.of(spark, s).bundlePath(), "jobs use the champion");

        PromoteStep.run(JobContext.of(spark, s), true);
        assertEquals(weak.bundle().path(), JobContext.of(spark, s).bundlePath());
        assertEquals(trained.bundle().path(), PromoteStep.rollback(JobContext.of(spark, s)));
        assertEquals(trained.bundle().path(), JobContext.of(spark, s).bundlePath());
        var none = org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class,
                () -> PromoteStep.rollback(JobContext.of(spark, s)));
        assertTrue(none.getMessage().contains("No previous champion"), none.getMessage());
    }

    /**
     * The other half of champion/challenger: a better challenger is promoted automatically, promote.tolerance lets a
     * challenger at most that much worse through (boundary tested on both sides), and promote.metric = pr-auc
     * decides by the PR-AUC of the validation rows (checked against MLlib's own area under the PR curve).
     */
    @Test
    @Order(9)
    void aBetterChallengerIsPromotedWithinTheToleranceAndByPrAuc() {
        Settings s = settings.with("threshold.validation.path", path("lake"), "threshold.validation.where",
                "dt = '2026-11-03'", "threshold.validation.label-column", "label", "threshold.method", "percentile");
        PromoteStep.run(JobContext.of(spark, s.with("model.path", weak.bundle().path())), true);
        assertEquals(weak.bundle().path(), JobContext.of(spark, s).bundlePath(), "the weak model is the champion");

        PromoteStep.Result better = PromoteStep.run(JobContext.of(spark, s.with("model.path",
                trained.bundle().path())), false);
        assertTrue(better.promoted(), "better challenger " + better.challengerMetric() + " vs "
                + better.championMetric());
        assertTrue(better.challengerMetric() > better.championMetric() + 0.05, better.toString());
        assertEquals(trained.bundle().path(), JobContext.of(spark, s).bundlePath(), "jobs use the new champion");

        // the weak challenger against the strong champion: promoted exactly when the gap is within the tolerance
        double gap = better.challengerMetric() - better.championMetric();
        PromoteStep.Result outside = PromoteStep.run(JobContext.of(spark, s.with("model.path", weak.bundle().path(),
                "promote.tolerance", String.valueOf(gap - 1e-6))), false);
        assertTrue(!outside.promoted(), "a gap of " + gap + " is outside a tolerance of " + (gap - 1e-6));
        assertEquals(trained.bundle().path(), JobContext.of(spark, s).bundlePath());
        PromoteStep.Result inside = PromoteStep.run(JobContext.of(spark, s.with("model.path", weak.bundle().path(),
                "promote.tolerance", String.valueOf(gap + 1e-6))), false);
        assertTrue(inside.promoted(), "a gap of " + gap + " is inside a tolerance of " + (gap + 1e-6));
        assertEquals(weak.bundle().path(), JobContext.of(spark, s).bundlePath());

        PromoteStep.Result byPr = PromoteStep.run(JobContext.of(spark, s.with("model.path", trained.bundle().path(),
                "promote.metric", "pr-auc")), false);
        assertEquals("pr-auc", byPr.metric());
        assertTrue(byPr.promoted());
        Dataset<Row> day3 = spark.read().parquet(path("scores")).where("dt = '2026-11-03'")
                .select(col("label").cast("double").as("label"), col("anomaly_score").as("rawPrediction"));
        double mllibPr = new org.apache.spark.ml.evaluation.BinaryClassificationEvaluator()
                .setMetricName("areaUnderPR").evaluate(day3);
        assertEquals(mllibPr, byPr.challengerMetric(), 0.02, "PR-AUC of the champion's validation scores");
        assertTrue(Math.abs(byPr.challengerMetric() - better.challengerMetric()) > 1e-3, "PR-AUC is not ROC-AUC");
    }
}
