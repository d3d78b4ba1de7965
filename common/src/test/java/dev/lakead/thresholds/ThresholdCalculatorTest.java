package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Percentile and mean + k*sigma thresholds computed with Spark on known scores. */
class ThresholdCalculatorTest extends SparkTestSupport {
    private static final String SCORE = "anomaly_score";
    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField(SCORE, DataTypes.DoubleType, true)));
    private static Dataset<Row> oneToHundred;

    private static Dataset<Row> scores(Double... values) {
        List<Row> rows = new ArrayList<>();
        for (Double v : values) {
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    @BeforeAll
    static void data() {
        Double[] v = new Double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = (double) (i + 1);
        }
        oneToHundred = scores(v).repartition(3).cache();
    }

    private static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "expected message to contain '" + p + "' but was: " + e.getMessage());
        }
    }

    @Test
    void exactPercentileIsTheValueSparkReturns() {
        Settings s = Settings.defaults().with("threshold.method", "percentile", "threshold.percentile", "0.95",
                "threshold.relative-error", "0");
        Threshold t = ThresholdCalculator.compute(oneToHundred, SCORE, s);
        double spark95 = oneToHundred.stat().approxQuantile(SCORE, new double[]{0.95}, 0.0)[0];
        assertEquals(95.0, spark95, 0.0);
        assertEquals(spark95, t.value(), 0.0);
        assertEquals("percentile", t.method());
        assertEquals(0.95, (double) t.parameters().get("percentile"), 0.0);
        assertEquals(0.0, (double) t.parameters().get("relative_error"), 0.0);
    }

    @Test
    void defaultSettingsGiveThe95thPercentile() {
        Threshold t = ThresholdCalculator.compute(oneToHundred, SCORE, Settings.defaults());
        assertEquals("percentile", t.method());
        assertEquals(95.0, t.value(), 1.0); // relative error 1e-4 on 100 values: the same rank
    }

    @Test
    void meanPlusKSigmaUsesTheSampleStandardDeviation() {
        double mean = 0;
        for (int i = 1; i <= 100; i++) {
            mean += i;
        }
        mean /= 100;
        double ss = 0;
        for (int i = 1; i <= 100; i++) {
            ss += (i - mean) * (i - mean);
        }
        double std = Math.sqrt(ss / 99);
        Settings s = Settings.defaults().with("threshold.method", "mean-std", "threshold.k", "3");
        Threshold t = ThresholdCalculator.compute(oneToHundred, SCORE, s);
        assertEquals(50.5, mean, 0.0);
        assertEquals(mean + 3 * std, t.value(), 1e-9);
        assertEquals("mean-std", t.method());
        assertEquals(Map.of("k", 3.0), t.parameters());
        assertEquals(std, (double) t.scoreStats().get("std"), 1e-9);

        Threshold t2 = ThresholdCalculator.compute(oneToHundred, SCORE, s.with("threshold.k", "1.5"));
        assertEquals(mean + 1.5 * std, t2.value(), 1e-9);
    }

    @Test
    void meanStdOfASingleScoreIsTheScore() {
        Settings s = Settings.defaults().with("threshold.method", "mean-std");
        Threshold t = ThresholdCalculator.compute(scores(4.25), SCORE, s);
        assertEquals(4.25, t.value(), 0.0);
        assertEquals(0.0, (double) t.scoreStats().get("std"), 0.0);
    }

    @Test
    void scoreStatsAreCorrect() {
        Settings s = Settings.defaults().with("threshold.relative-error", "0");
        Map<String, Object> stats = ThresholdCalculator.compute(oneToHundred, SCORE, s).scoreStats();
        assertEquals(100L, stats.get("count"));
        assertEquals(1.0, (double) stats.get("min"), 0.0);
        assertEquals(100.0, (double) stats.get("max"), 0.0);
        assertEquals(50.5, (double) stats.get("mean"), 1e-12);
        double[] q = oneToHundred.stat().approxQuantile(SCORE, new double[]{0.5, 0.95, 0.99}, 0.0);
        assertEquals(q[0], (double) stats.get("p50"), 0.0);
        assertEquals(q[1], (double) stats.get("p95"), 0.0);
        assertEquals(q[2], (double) stats.get("p99"), 0.0);
    }

    @Test
    void nullScoresAreIgnored() {
        Settings s = Settings.defaults().with("threshold.method", "mean-std", "threshold.relative-error", "0");
        Threshold t = ThresholdCalculator.compute(scores(1.0, null, 3.0), SCORE, s);
        assertEquals(2L, t.scoreStats().get("count"));
        assertEquals(2.0 + 3 * Math.sqrt(2.0), t.value(), 1e-12);
    }

    @Test
    void percentileOutsideTheOpenUnitIntervalNamesTheSetting() {
        for (String bad : List.of("1.5", "1", "0", "-0.1")) {
            Settings s = Settings.defaults().with("threshold.percentile", bad);
            LakeadException e = assertThrows(LakeadException.class,
                    () -> ThresholdCalculator.compute(oneToHundred, SCORE, s), bad);
            assertMessageContains(e, "threshold.percentile");
        }
    }

    @Test
    void badRelativeErrorNamesTheSetting() {
        Settings s = Settings.defaults().with("threshold.relative-error", "-0.01");
        LakeadException e = assertThrows(LakeadException.class,
                () -> ThresholdCalculator.compute(oneToHundred, SCORE, s));
        assertMessageContains(e, "threshold.relative-error");
    }

    @Test
    void unknownMethodNamesTheSetting() {
        Settings s = Settings.defaults().with("threshold.method", "median");
        LakeadException e = assertThrows(LakeadException.class,
                () -> ThresholdCalculator.compute(oneToHundred, SCORE, s));
        assertMessageContains(e, "threshold.method", "median");
    }

    @Test
    void noScoresIsAnError() {
        LakeadException e = assertThrows(LakeadException.class,
                () -> ThresholdCalculator.compute(scores(), SCORE, Settings.defaults()));
        assertMessageContains(e, "there are no scores");
    }

    @Test
    void thresholdSurvivesItsMapForm() {
        Threshold t = ThresholdCalculator.compute(oneToHundred, SCORE,
                Settings.defaults().with("threshold.relative-error", "0"));
        Threshold back = Threshold.fromMap(t.asMap());
        assertEquals(t, back);
        assertTrue(t.describe().contains("percentile"), t.describe());
    }
}
