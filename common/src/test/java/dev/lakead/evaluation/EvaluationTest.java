package dev.lakead.evaluation;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classification report of a confusion matrix, checked against hand-computed numbers (no Spark). */
class EvaluationTest {
    private static final double EPS = 1e-12;
    // 60 actual normals (50 right, 10 false alarms), 40 actual anomalies (35 caught, 5 missed)
    private static final ConfusionMatrix CM = new ConfusionMatrix(50, 10, 5, 35);

    @Test
    void perClassPrecisionRecallF1AndSupport() {
        ConfusionMatrix.ClassMetrics normal = CM.normal();
        assertEquals(50.0 / 55, normal.precision(), EPS);
        assertEquals(50.0 / 60, normal.recall(), EPS);
        assertEquals(100.0 / 115, normal.f1(), EPS);
        assertEquals(60, normal.support());

        ConfusionMatrix.ClassMetrics anomaly = CM.anomaly();
        assertEquals(35.0 / 45, anomaly.precision(), EPS);
        assertEquals(35.0 / 40, anomaly.recall(), EPS);
        assertEquals(70.0 / 85, anomaly.f1(), EPS);
        assertEquals(40, anomaly.support());
    }

    @Test
    void accuracyTotalAndFalsePositiveRate() {
        assertEquals(100, CM.total());
        assertEquals(0.85, CM.accuracy(), EPS);
        assertEquals(10.0 / 60, CM.falsePositiveRate(), EPS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void macroAndWeightedAverages() {
        Map<String, Object> report = CM.report();
        assertEquals(0.85, (double) report.get("accuracy"), EPS);

        Map<String, Object> macro = (Map<String, Object>) report.get("macro_avg");
        assertEquals((50.0 / 55 + 35.0 / 45) / 2, (double) macro.get("precision"), EPS);
        assertEquals((50.0 / 60 + 35.0 / 40) / 2, (double) macro.get("recall"), EPS);
        assertEquals((100.0 / 115 + 70.0 / 85) / 2, (double) macro.get("f1"), EPS);
        assertEquals(100L, macro.get("support"));

        Map<String, Object> weighted = (Map<String, Object>) report.get("weighted_avg");
        assertEquals(0.6 * 50 / 55 + 0.4 * 35 / 45, (double) weighted.get("precision"), EPS);
        // the support-weighted recall equals the accuracy
        assertEquals(0.85, (double) weighted.get("recall"), EPS);
        assertEquals(0.6 * 100 / 115 + 0.4 * 70 / 85, (double) weighted.get("f1"), EPS);
        assertEquals(100L, weighted.get("support"));

        Map<String, Object> anomaly = (Map<String, Object>) report.get("anomaly");
        assertEquals(40L, anomaly.get("support"));
        assertEquals(Map.of("true_negative", 50L, "false_positive", 10L, "false_negative", 5L, "true_positive", 35L),
                CM.asMap());
    }

    @Test
    void emptyClassesGiveZeroInsteadOfNaN() {
        ConfusionMatrix onlyNormals = new ConfusionMatrix(10, 0, 0, 0);
        assertEquals(0.0, onlyNormals.anomaly().precision(), 0.0);
        assertEquals(0.0, onlyNormals.anomaly().recall(), 0.0);
        assertEquals(0.0, onlyNormals.anomaly().f1(), 0.0);
        assertEquals(0, onlyNormals.anomaly().support());
        assertEquals(1.0, onlyNormals.normal().f1(), 0.0);
        assertEquals(1.0, onlyNormals.accuracy(), 0.0);

        ConfusionMatrix empty = new ConfusionMatrix(0, 0, 0, 0);
        assertEquals(0.0, empty.accuracy(), 0.0);
        assertEquals(0.0, empty.falsePositiveRate(), 0.0);
        Map<String, Object> report = empty.report();
        @SuppressWarnings("unchecked")
        Map<String, Object> weighted = (Map<String, Object>) report.get("weighted_avg");
        assertEquals(0.0, (double) weighted.get("f1"), 0.0);
    }

    @Test
    void textReportShowsTheCounts() {
        String text = CM.toText();
        assertTrue(text.contains("Anomaly") && text.contains("0.8500") && text.contains("35"), text);
        EvaluationResult r = new EvaluationResult(102, 2, CM, 0.9, 0.8);
        assertTrue(r.toText().contains("ROC-AUC: 0.9000") && r.toText().contains("not counted): 2"), r.toText());
        assertEquals(0.9, (double) r.asMap().get("roc_auc"), 0.0);
        assertEquals(null, new EvaluationResult(1, 0, CM, Double.NaN, Double.NaN).asMap().get("roc_auc"));
    }
}
