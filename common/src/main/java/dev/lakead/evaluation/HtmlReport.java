package dev.lakead.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML evaluation report: summary, metrics, confusion matrix and classification report at the
 * active threshold, the figures (PNG files in the same folder, referenced by name) and a per-segment table.
 */
public final class HtmlReport {
    /** A figure file (relative to the report) and its caption. */
    public record Figure(String file, String caption) {
    }

    /** One row of the per-segment table; precision/recall are NaN without labels. */
    public record SegmentRow(String segment, long rows, long flagged, long labelledAnomalies, double precision,
                             double recall) {
    }

    private final StringBuilder html = new StringBuilder();
    private final List<Figure> figures = new ArrayList<>();

    public HtmlReport(String title) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
                        + "text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}img{max-width:100%;"
                        + "border:1px solid #eee;margin:0.5em 0}figure{margin:1em 0}</style></head><body>\n<h1>")
                .append(escape(title)).append("</h1>\n");
    }

    public HtmlReport section(String heading) {
        html.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    /** Key / value rows. */
    public HtmlReport facts(Map<String, ?> facts) {
        html.append("<table>\n");
        facts.forEach((k, v) -> html.append("<tr><th class=\"l\">").append(escape(k)).append("</th><td class=\"l\">")
                .append(escape(format(v))).append("</td></tr>\n"));
        html.append("</table>\n");
        return this;
    }

    public HtmlReport confusion(ConfusionMatrix cm) {
        html.append("<table><tr><th></th><th>predicted normal</th><th>predicted anomaly</th></tr>\n")
                .append("<tr><th class=\"l\">actual normal</th><td>").append(cm.tn()).append("</td><td>")
                .append(cm.fp()).append("</td></tr>\n<tr><th class=\"l\">actual anomaly</th><td>").append(cm.fn())
                .append("</td><td>").append(cm.tp()).append("</td></tr></table>\n");
        html.append("<table><tr><th class=\"l\">class</th><th>precision</th><th>recall</th><th>f1-score</th>"
                + "<th>support</th></tr>\n");
        classRow("normal", cm.normal());
        classRow("anomaly", cm.anomaly());
        html.append(String.format(Locale.ROOT, "<tr><th class=\"l\">accuracy</th><td></td><td></td><td>%.4f</td>"
                + "<td>%d</td></tr></table>\n", cm.accuracy(), cm.total()));
        return this;
    }

    private void classRow(String name, ConfusionMatrix.ClassMetrics m) {
        html.append(String.format(Locale.ROOT, "<tr><th class=\"l\">%s</th><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                + "<td>%d</td></tr>\n", name, m.precision(), m.recall(), m.f1(), m.support()));
    }

    public HtmlReport figure(Figure f) {
        figures.add(f);
        html.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"").append(escape(f.caption()))
                .append("\"><figcaption>").append(escape(f.caption())).append("</figcaption></figure>\n");
        return this;
    }

    public HtmlReport segments(String column, List<SegmentRow> rows, long totalSegments) {
        html.append("<p>Segments by <code>").append(escape(column)).append("</code>");
        if (totalSegments > rows.size()) {
            html.append(" (the ").append(rows.size()).append(" largest of ").append(totalSegments).append(")");
        }
        html.append("</p>\n<table><tr><th class=\"l\">").append(escape(column))
                .append("</th><th>rows</th><th>flagged</th><th>flagged %</th><th>labelled anomalies</th>"
                        + "<th>precision</th><th>recall</th></tr>\n");
        for (SegmentRow r : rows) {
            html.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%d</td><td>%d</td><td>%.2f</td>"
                            + "<td>%d</td><td>%s</td><td>%s</td></tr>\n", escape(r.segment()), r.rows(), r.flagged(),
                    100.0 * r.flagged() / Math.max(1, r.rows()), r.labelledAnomalies(), format(r.precision()),
                    format(r.recall())));
        }
        html.append("</table>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        html.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    public String render() {
        return html + "</body></html>\n";
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() ? "–" : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
