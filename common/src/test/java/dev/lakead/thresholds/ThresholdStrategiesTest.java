package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every threshold strategy against values worked out by hand on small score sets. */
class ThresholdStrategiesTest extends SparkTestSupport {
    /** 10 normal scores and 4 anomalous ones (see the hand-made table in each test). */
    private static final double[] NORMAL = {0.1, 0.15, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8};
    private static final double[] ANOMALY = {0.45, 0.65, 0.9, 1.0};
    private static Dataset<Row> labelled;
    private static Dataset<Row> segmented;

    @BeforeAll
    static void scores() {
        List<Row> rows = new ArrayList<>();
        for (double s : NORMAL) {
            rows.add(RowFactory.create(s, 0.0));
        }
        for (double s : ANOMALY) {
            rows.add(RowFactory.create(s, 1.0));
        }
        rows.add(RowFactory.create(5.0, null)); // unlabelled rows are ignored by the labelled methods
        labelled = spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("anomaly_score", DataTypes.DoubleType, false),
                DataTypes.createStructField("y", DataTypes.DoubleType, true)))).repartition(3).cache();

        // site a: scores 1..100, site b: 101..300, site c: 5 rows (too few for its own threshold)
        List<Row> seg = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            seg.add(RowFactory.create((double) i, "a"));
        }
        for (int i = 101; i <= 300; i++) {
            seg.add(RowFactory.create((double) i, "b"));
        }
        for (int i = 0; i < 5; i++) {
            seg.add(RowFactory.create(1000.0 + i, "c"));
        }
        segmented = spark.createDataFrame(seg, DataTypes.createStructType(List.of(
                DataTypes.createStructField("anomaly_score", DataTypes.DoubleType, false),
                DataTypes.createStructField("site", DataTypes.StringType, false)))).repartition(4).cache();
    }

    private static Settings settings(String... kv) {
        return fastSettings().with("threshold.relative-error", "0").with(kv);
    }

    @Test
    void youdenPicksTheRocPointWithTheLargestTprMinusFpr() {
        // at 0.4: TPR 4/4, FPR 4/10 -> J = 0.6, the only maximum (0.6: 0.75 - 0.2 = 0.55; 0.8: 0.5 - 0 = 0.5)
        Threshold t = ThresholdCalculator.compute(labelled, "anomaly_score", "y", settings("threshold.method", "youden"));
        assertEquals(0.4, t.value(), 1e-12);
        assertEquals(1.0, (double) t.parameters().get("validation_recall"), 1e-12);
        assertEquals(0.4, (double) t.parameters().get("validation_fpr"), 1e-12);
        assertEquals(10L, t.parameters().get("validation_normal_rows"));
        assertEquals(4L, t.parameters().get("validation_anomaly_rows"));
    }

    @Test
    void maxF1PicksTheBestF1AndPrefersFewerAlarmsOnTies() {
        // F1 = 2/3 at 0.4 (TP 4, FP 4), at 0.6 (TP 3, FP 2, FN 1) and at 0.8 (TP 2, FN 2): the highest wins
        Threshold t = ThresholdCalculator.compute(labelled, "anomaly_score", "y", settings("threshold.method", "max-f1"));
        assertEquals(0.8, t.value(), 1e-12);
        assertEquals(2.0 / 3, (double) t.parameters().get("validation_f1"), 1e-12);
        assertEquals(1.0, (double) t.parameters().get("validation_precision"), 1e-12);
    }

    @Test
    void targetFprIsTheLowestThresholdWithAtMostThatFalsePositiveRate() {
        // FPR <= 0.2 means at most 2 of the 10 normal scores above: lowest such threshold is 0.6 (0.7, 0.8 above)
        Threshold t = ThresholdCalculator.compute(labelled, "anomaly_score", "y",
                settings("threshold.method", "target-fpr", "threshold.target-fpr", "0.2"));
        assertEquals(0.6, t.value(), 1e-12);
        assertEquals(0.75, (double) t.parameters().get("validation_recall"), 1e-12, "recall reported there");
        long falseAlarms = labelled.where("y = 0 AND anomaly_score > " + t.value()).count();
        assertTrue(falseAlarms <= 0.2 * NORMAL.length, "the rule holds on the validation data");
        // one step lower breaks the target
        assertTrue(labelled.where("y = 0 AND anomaly_score > 0.5").count() > 0.2 * NORMAL.length);
    }

    @Test
    void binnedCurveStaysCloseWhenThereAreMoreScoresThanBins() {
        List<Row> rows = new ArrayList<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 20_000; i++) {
            boolean anomaly = i % 10 == 0;
            rows.add(RowFactory.create(r.nextGaussian() + (anomaly ? 3 : 0), anomaly ? 1.0 : 0.0));
        }
        Dataset<Row> many = spark.createDataFrame(rows, labelled.schema());
        ScoreCurve exact = ScoreCurve.compute(many, "anomaly_score", "y", 50_000);
        ScoreCurve binned = ScoreCurve.compute(many, "anomaly_score", "y", 200);
        assertEquals(20_001, exact.points().size(), "distinct scores + the flag-everything point");
        assertTrue(binned.points().size() <= 201);
        assertEquals(exact.rocAuc(), binned.rocAuc(), 0.005);
        assertEquals(exact.maxYouden().threshold(), binned.maxYouden().threshold(), 0.1);
        assertTrue(exact.rocAuc() > 0.95, "separated classes: AUC " + exact.rocAuc());
    }

    @Test
    void percentileAndMeanStdOnKnownScores() {
        Threshold p = ThresholdCalculator.compute(segmented.where("site = 'a'"), "anomaly_score",
                settings("threshold.method", "percentile", "threshold.percentile", "0.95"));
        assertEquals(95.0, p.value(), 1e-12);
        Threshold m = ThresholdCalculator.compute(segmented.where("site = 'a'"), "anomaly_score",
                settings("threshold.method", "mean-std", "threshold.k", "2"));
        double std = Math.sqrt(100 * 101 / 12.0); // sample std of 1..100 = sqrt(n(n+1)/12)
        assertEquals(50.5 + 2 * std, m.value(), 1e-9);
    }

    @Test
    void perSegmentThresholdsFallBackToTheGlobalOneForSmallSegments() {
        Threshold t = ThresholdCalculator.compute(segmented, "anomaly_score", settings("threshold.method",
                "percentile", "threshold.percentile", "0.5", "threshold.segment-column", "site",
                "threshold.min-segment-rows", "10"));
        assertEquals("site", t.segmentColumn());
        assertEquals(Map.of("a", 50.0, "b", 200.0), t.segments());
        assertEquals(153.0, t.value(), 1e-12, "global median of the 305 scores");
        assertEquals(153.0, t.valueFor("c"), 1e-12, "5 rows < 10: global value");
        assertEquals(153.0, t.valueFor("never-seen"), 1e-12);
        // the bundle form keeps the segments
        Threshold back = Threshold.fromMap(t.asMap());
        assertEquals(t.segments(), back.segments());
        assertEquals("site", back.segmentColumn());
    }

    @Test
    void perSegmentLabelledThresholds() {
        Dataset<Row> twoSites = labelled.where("y IS NOT NULL").withColumn("site",
                org.apache.spark.sql.functions.lit("x")).unionByName(labelled.where("y IS NOT NULL")
                .withColumn("anomaly_score", org.apache.spark.sql.functions.col("anomaly_score").multiply(10))
                .withColumn("site", org.apache.spark.sql.functions.lit("y10")));
        Threshold t = ThresholdCalculator.compute(twoSites, "anomaly_score", "y", settings("threshold.method",
                "youden", "threshold.segment-column", "site", "threshold.min-segment-rows", "5"));
        assertEquals(0.4, t.segments().get("x"), 1e-12);
        assertEquals(4.0, t.segments().get("y10"), 1e-12, "same ranking, scores x10");
    }

    @Test
    void labelledMethodsNeedLabelsAndBothClasses() {
        var noLabels = assertThrows(LakeadException.class, () -> ThresholdCalculator.compute(labelled,
                "anomaly_score", settings("threshold.method", "max-f1")));
        assertTrue(noLabels.getMessage().contains("threshold.validation.path"), noLabels.getMessage());
        var oneClass = assertThrows(LakeadException.class, () -> ThresholdCalculator.compute(
                labelled.where("y = 0"), "anomaly_score", "y", settings("threshold.method", "youden")));
        assertTrue(oneClass.getMessage().contains("both normal and anomalous"), oneClass.getMessage());
        var badSegment = assertThrows(LakeadException.class, () -> ThresholdCalculator.compute(labelled,
                "anomaly_score", settings("threshold.segment-column", "nope")));
        assertTrue(badSegment.getMessage().contains("'nope'"), badSegment.getMessage());
        assertFalse(ThresholdCalculator.needsLabels("percentile"));
    }

    @Test
    void potThresholdFromAGpdTailGloballyAndPerSegment() {
        // site a: 9,800 scores uniform on [0, 5) and 200 at 5 + the GPD(γ = 0.1, σ = 1) quantiles, so that the 98 %
        // quantile is 5 and the score of risk 1e-3 is 5 + (1/0.1)((1e-3/0.02)^−0.1 − 1) = 7.9891...; site b: the
        // same scores × 2 (threshold × 2)
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 9800; i++) {
            rows.add(RowFactory.create(5.0 * i / 9800, "a"));
            rows.add(RowFactory.create(10.0 * i / 9800, "b"));
        }
        for (int i = 0; i < 200; i++) {
            double gpd = 10 * (Math.pow(1 - (i + 0.5) / 200, -0.1) - 1);
            rows.add(RowFactory.create(5.0 + gpd, "a"));
            rows.add(RowFactory.create(2 * (5.0 + gpd), "b"));
        }
        Dataset<Row> scores = spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("anomaly_score", DataTypes.DoubleType, false),
                DataTypes.createStructField("site", DataTypes.StringType, false)))).repartition(3);
        double expected = 5 + 10 * (Math.pow(1e-3 / 0.02, -0.1) - 1);
        Threshold a = ThresholdCalculator.compute(scores.where("site = 'a'"), "anomaly_score",
                settings("threshold.method", "pot", "threshold.pot.initial-quantile", "0.98",
                        "threshold.pot.risk", "0.001"));
        assertEquals("pot", a.method());
        assertEquals(expected, a.value(), 0.03 * expected);
        assertEquals(0.1, (double) a.parameters().get("gpd_shape"), 0.05);
        assertEquals(5.0, (double) a.parameters().get("initial_threshold"), 0.01);

        Threshold bySite = ThresholdCalculator.compute(scores, "anomaly_score",
                settings("threshold.method", "pot", "threshold.pot.initial-quantile", "0.98",
                        "threshold.pot.risk", "0.001", "threshold.segment-column", "site"));
        assertEquals(expected, bySite.valueFor("a"), 0.03 * expected);
        assertEquals(2 * expected, bySite.valueFor("b"), 0.03 * 2 * expected);

        LakeadException badRisk = assertThrows(LakeadException.class, () -> ThresholdCalculator.compute(scores,
                "anomaly_score", settings("threshold.method", "pot", "threshold.pot.risk", "0.5")));
        assertTrue(badRisk.getMessage().contains("threshold.pot.risk"), badRisk.getMessage());
    }
}
