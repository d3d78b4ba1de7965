package dev.lakead.models.lstm;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.evaluation.PointAdjustment;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.thresholds.ThresholdCalculator;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a sequence model's window scores become record scores and decisions, on hand-built series of two entities
 * with three labelled segments (one of them missed): every window aggregation, two strides, threshold.scale, and
 * the point-adjusted evaluation, against a brute-force reimplementation here and, for one case, counts worked out
 * by hand.
 */
class RecordScoringTest extends SparkTestSupport {
    /** Feature values per entity; a window's score is its largest value (see {@link WindowPeakFamily}). */
    private static final Map<String, double[]> SERIES = new LinkedHashMap<>();
    /** Labelled anomaly segments per entity: [from, to] inclusive. */
    private static final Map<String, int[][]> SEGMENTS = new LinkedHashMap<>();
    private static final int WINDOW = 3;
    private static final double THRESHOLD = 4.0;

    static {
        double[] a = new double[20];
        a[6] = 10; // inside segment 5..7
        a[11] = 5; // a normal spike: false alarms around it
        SERIES.put("A", a);
        SEGMENTS.put("A", new int[][]{{5, 7}, {14, 15}}); // 14..15 has nothing to find
        double[] b = new double[12];
        b[3] = 8; // inside segment 2..4
        b[9] = 3; // below the threshold
        SERIES.put("B", b);
        SEGMENTS.put("B", new int[][]{{2, 4}});
    }

    private static boolean labelled(String entity, int t) {
        for (int[] seg : SEGMENTS.get(entity)) {
            if (t >= seg[0] && t <= seg[1]) {
                return true;
            }
        }
        return false;
    }

    private static Dataset<Row> featured() {
        List<Row> rows = new ArrayList<>();
        SERIES.forEach((entity, x) -> {
            for (int t = 0; t < x.length; t++) {
                rows.add(RowFactory.create(entity, (long) t, labelled(entity, t) ? 1 : 0, Vectors.dense(x[t])));
            }
        });
        return spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("entity", DataTypes.StringType, false),
                DataTypes.createStructField("ts", DataTypes.LongType, false),
                DataTypes.createStructField("label", DataTypes.IntegerType, false),
                DataTypes.createStructField(FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false))))
                .repartition(3);
    }

    private static Settings settings(String aggregate, int stride) {
        return Settings.defaults().with("timeseries.entity-column", "entity", "timeseries.time-column", "ts",
                "timeseries.window", String.valueOf(WINDOW), "timeseries.stride", String.valueOf(stride),
                "timeseries.aggregate", aggregate, "score.batch-size", "4");
    }

    /** Record scores through the real scoring path, keyed "entity/t". */
    private static Map<String, Double> scores(Settings s) {
        Dataset<Row> scored = ModelFamilies.get(WindowPeakFamily.TYPE).scoring(s)
                .scorer(new WindowPeakFamily.Peak(), null, ScoringOptions.from(s))
                .scoreFeatured(featured(), List.of("entity", "ts", "label"));
        Map<String, Double> out = new LinkedHashMap<>();
        for (Row r : scored.collectAsList()) {
            out.put(r.getString(0) + "/" + r.getLong(1), r.getDouble(r.fieldIndex(BatchScorer.SCORE)));
        }
        return out;
    }

    /** The window starts of a series of length n: every stride-th, plus one aligned to the end if it is missed. */
    private static List<Integer> starts(int n, int stride) {
        List<Integer> starts = new ArrayList<>();
        for (int p = 0; p + WINDOW <= n; p += stride) {
            starts.add(p);
        }
        if ((n - WINDOW) % stride != 0) {
            starts.add(n - WINDOW);
        }
        return starts;
    }

    /** Brute force: each record's score aggregates the peaks of the windows that contain it. */
    private static Map<String, Double> expectedScores(String aggregate, int stride) {
        Map<String, Double> out = new LinkedHashMap<>();
        SERIES.forEach((entity, x) -> {
            List<Integer> starts = starts(x.length, stride);
            for (int t = 0; t < x.length; t++) {
                List<Double> covering = new ArrayList<>();
                for (int p : starts) {
                    if (t >= p && t < p + WINDOW) {
                        double peak = Double.NEGATIVE_INFINITY;
                        for (int k = p; k < p + WINDOW; k++) {
                            peak = Math.max(peak, x[k]);
                        }
                        covering.add(peak);
                    }
                }
                double v = switch (aggregate) {
                    case "max" -> covering.stream().mapToDouble(d -> d).max().orElseThrow();
                    case "min" -> covering.stream().mapToDouble(d -> d).min().orElseThrow();
                    default -> covering.stream().mapToDouble(d -> d).average().orElseThrow();
                };
                out.put(entity + "/" + t, v);
            }
        });
        return out;
    }

    /** Point-wise and point-adjusted confusion counts of the decisions score &gt; threshold, by brute force. */
    private static ConfusionMatrix[] expectedConfusion(Map<String, Double> scores, double threshold) {
        long[] pw = new long[4];
        long[] pa = new long[4];
        SERIES.forEach((entity, x) -> {
            for (int t = 0; t < x.length; t++) {
                boolean flagged = scores.get(entity + "/" + t) > threshold;
                boolean anomaly = labelled(entity, t);
                pw[(anomaly ? 2 : 0) + (flagged ? 1 : 0)]++;
                if (anomaly) {
                    boolean hit = false;
                    for (int[] seg : SEGMENTS.get(entity)) {
                        if (t >= seg[0] && t <= seg[1]) {
                            for (int k = seg[0]; k <= seg[1]; k++) {
                                hit |= scores.get(entity + "/" + k) > threshold;
                            }
                        }
                    }
                    flagged = hit;
                }
                pa[(anomaly ? 2 : 0) + (flagged ? 1 : 0)]++;
            }
        });
        // order tn, fp, fn, tp
        return new ConfusionMatrix[]{new ConfusionMatrix(pw[0], pw[1], pw[2], pw[3]),
                new ConfusionMatrix(pa[0], pa[1], pa[2], pa[3])};
    }

    /** The decisions through the evaluation code: point-wise counts and PointAdjustment's. */
    private static ConfusionMatrix[] measuredConfusion(Settings s, double threshold) {
        Dataset<Row> scored = ModelFamilies.get(WindowPeakFamily.TYPE).scoring(s)
                .scorer(new WindowPeakFamily.Peak(), null, ScoringOptions.from(s))
                .scoreFeatured(featured(), List.of("entity", "ts", "label"));
        Dataset<Row> decided = BinaryEvaluator.withBinaryLabel(scored, "label")
                .withColumn("flagged", col(BatchScorer.SCORE).gt(threshold)).cache();
        ConfusionMatrix pointWise = BinaryEvaluator.evaluateLabelled(decided, "label", BatchScorer.SCORE, "flagged", 0)
                .confusion();
        ConfusionMatrix adjusted = PointAdjustment.confusion(decided, "entity", "ts", "flagged");
        decided.unpersist();
        return new ConfusionMatrix[]{pointWise, adjusted};
    }

    @ParameterizedTest(name = "aggregate {0}, stride {1}, scale {2}")
    @CsvSource({"mean,1,1.0", "max,1,1.0", "min,1,1.0", "mean,2,1.0", "max,2,1.0", "min,2,1.0", "mean,1,1.5",
            "max,2,1.5", "min,1,0.5"})
    void recordScoresAndDecisionsAreExact(String aggregate, int stride, double scale) {
        Settings s = settings(aggregate, stride);
        Map<String, Double> expected = expectedScores(aggregate, stride);
        Map<String, Double> measured = scores(s);
        assertEquals(expected.keySet(), measured.keySet(), "one score per record");
        expected.forEach((k, v) -> assertEquals(v, measured.get(k), 1e-9, "score of " + k));

        double threshold = THRESHOLD * scale;
        ConfusionMatrix[] want = expectedConfusion(expected, threshold);
        ConfusionMatrix[] got = measuredConfusion(s, threshold);
        assertEquals(want[0], got[0], "point-wise");
        assertEquals(want[1], got[1], "point-adjusted");
    }

    /** Worked out by hand: window 3, stride 1, max aggregation, threshold 4. */
    @Test
    void oneCaseByHand() {
        Map<String, Double> s = scores(settings("max", 1));
        // A: the peak 10 at t=6 reaches records 4..8, the normal spike 5 at t=11 records 9..13
        assertEquals(10.0, s.get("A/4"));
        assertEquals(5.0, s.get("A/9"));
        assertEquals(0.0, s.get("A/3"));
        ConfusionMatrix[] got = measuredConfusion(settings("max", 1), THRESHOLD);
        // A: tp 5,6,7; fp 4,8..13; fn 14,15. B: tp 2,3,4; fp 1,5 (the 3 at t=9 stays below 4)
        assertEquals(new ConfusionMatrix(15, 9, 2, 6), got[0]);
        assertEquals(new ConfusionMatrix(15, 9, 2, 6), got[1], "segments all or nothing here: as point-wise");
        // min aggregation flags only t=6 inside A's first segment: point adjustment credits all three of its records
        ConfusionMatrix[] min = measuredConfusion(settings("min", 1), THRESHOLD);
        assertEquals(2, min[0].tp(), "point-wise: A/6 and B/3 only: " + min[0]);
        assertEquals(6, min[1].tp(), "point-adjusted: both detected segments in full: " + min[1]);
    }

    /** threshold.scale multiplies the computed threshold, for the percentile and mean + k sigma rules alike. */
    @Test
    void thresholdScaleMultipliesTheThreshold() {
        Dataset<Row> scores = spark.range(0, 1000).selectExpr("cast(id % 97 as double) as " + BatchScorer.SCORE);
        for (String method : new String[]{"percentile", "mean-std"}) {
            Settings base = Settings.defaults().with("threshold.method", method, "threshold.relative-error", "0");
            double plain = ThresholdCalculator.compute(scores, BatchScorer.SCORE, null, base).value();
            double scaled = ThresholdCalculator.compute(scores, BatchScorer.SCORE, null,
                    base.with("threshold.scale", "1.5")).value();
            assertEquals(1.5 * plain, scaled, 1e-9, method);
        }
    }

    /** Data prepared without the time-series columns: one line naming the setting, for training and scoring. */
    @Test
    void aMissingTimeColumnNamesTheSetting() {
        Settings s = settings("mean", 1).with("timeseries.time-column", "event_time");
        Settings oneEpoch = s.with("train.epochs", "1");
        dev.lakead.LakeadException e = org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class,
                () -> new LstmAutoencoderFamily().configure(oneEpoch, 1, "standard")
                        .train(featured(), TrainingOptions.from(oneEpoch)));
        assertEquals("Column 'event_time' (setting 'timeseries.time-column') is not in the data (columns: entity, ts,"
                + " label, __features); a time-series model needs it: set timeseries.time-column for the preprocess"
                + " job too, which then keeps it with the features", e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class, () -> scores(s));
    }
}
