package dev.lakead.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/** Metrics of one evaluation run. ROC-AUC and PR-AUC are NaN when only one class is present. */
public record EvaluationResult(long rows, long unlabelledRows, ConfusionMatrix confusion, double rocAuc,
                               double prAuc) {

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("unlabelled_rows", unlabelledRows);
        m.put("roc_auc", Double.isNaN(rocAuc) ? null : rocAuc);
        m.put("pr_auc", Double.isNaN(prAuc) ? null : prAuc);
        m.put("classification_report", confusion.report());
        m.put("confusion_matrix", confusion.asMap());
        return m;
    }

    public String toText() {
        return confusion.toText() + String.format("%nROC-AUC: %.4f%nPR-AUC:  %.4f%n", rocAuc, prAuc)
                + (unlabelledRows > 0 ? "rows without a label (not counted): " + unlabelledRows + "\n" : "");
    }
}
