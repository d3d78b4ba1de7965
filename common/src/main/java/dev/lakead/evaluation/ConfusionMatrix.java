package dev.lakead.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts of a binary decision (positive = anomaly) and the classification report derived from them. */
public record ConfusionMatrix(long tn, long fp, long fn, long tp) {

    public long total() {
        return tn + fp + fn + tp;
    }

    /** Precision, recall, F1 and support for one class, as sklearn's classification_report. */
    public record ClassMetrics(double precision, double recall, double f1, long support) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", f1);
            m.put("support", support);
            return m;
        }
    }

    public ClassMetrics normal() {
        return metrics(tn, fn, fp);
    }

    public ClassMetrics anomaly() {
        return metrics(tp, fp, fn);
    }

    public double accuracy() {
        return total() == 0 ? 0 : (double) (tp + tn) / total();
    }

    /** A predicted-positive rate on the true negatives: the false-positive rate. */
    public double falsePositiveRate() {
        return tn + fp == 0 ? 0 : (double) fp / (tn + fp);
    }

    private static ClassMetrics metrics(long hit, long falseAlarm, long miss) {
        double p = hit + falseAlarm == 0 ? 0 : (double) hit / (hit + falseAlarm);
        double r = hit + miss == 0 ? 0 : (double) hit / (hit + miss);
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        return new ClassMetrics(p, r, f1, hit + miss);
    }

    public Map<String, Object> report() {
        ClassMetrics n = normal();
        ClassMetrics a = anomaly();
        long total = n.support() + a.support();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("normal", n.asMap());
        m.put("anomaly", a.asMap());
        m.put("accuracy", accuracy());
        m.put("macro_avg", new ClassMetrics((n.precision() + a.precision()) / 2, (n.recall() + a.recall()) / 2,
                (n.f1() + a.f1()) / 2, total).asMap());
        double wn = total == 0 ? 0 : (double) n.support() / total;
        double wa = total == 0 ? 0 : (double) a.support() / total;
        m.put("weighted_avg", new ClassMetrics(wn * n.precision() + wa * a.precision(),
                wn * n.recall() + wa * a.recall(), wn * n.f1() + wa * a.f1(), total).asMap());
        return m;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("true_negative", tn);
        m.put("false_positive", fp);
        m.put("false_negative", fn);
        m.put("true_positive", tp);
        return m;
    }

    /** The report as text, laid out like sklearn's classification_report. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%14s %10s %10s %10s %10s%n", "", "precision", "recall", "f1-score", "support"));
        row(sb, "Normal", normal());
        row(sb, "Anomaly", anomaly());
        sb.append(String.format("%n%14s %10s %10s %10.4f %10d%n", "accuracy", "", "", accuracy(), total()));
        sb.append(String.format("%nconfusion matrix (rows = actual, columns = predicted)%n"));
        sb.append(String.format("%14s %10s %10s%n", "", "normal", "anomaly"));
        sb.append(String.format("%14s %10d %10d%n", "normal", tn, fp));
        sb.append(String.format("%14s %10d %10d%n", "anomaly", fn, tp));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, ClassMetrics m) {
        sb.append(String.format("%14s %10.4f %10.4f %10.4f %10d%n", name, m.precision(), m.recall(), m.f1(),
                m.support()));
    }
}
