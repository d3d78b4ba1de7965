package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.evaluation.HtmlReport;
import dev.lakead.evaluation.ReportCharts;
import dev.lakead.evaluation.ScoreHistogram;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.ScoreCurve;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Writes report.html next to report.json with its PNG figures: training loss curve (from the model bundle),
 * score histogram with the threshold, ROC and precision-recall curves, confusion matrix and classification
 * report, the latent space when there is one, and a per-segment table. Every figure comes from an aggregate or a
 * bounded sample, so the report works on a score table of any size.
 */
final class EvaluationReport {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationReport.class);
    static final String HTML = "report.html";
    static final String LOSS_PNG = "loss_curve.png";
    static final String HISTOGRAM_PNG = "score_histogram.png";
    static final String ROC_PNG = "roc_curve.png";
    static final String PR_PNG = "precision_recall.png";

    private EvaluationReport() {
    }

    /** @return the HTML path; {@code json} gets the figure names and curve summaries added */
    static String write(JobContext ctx, EvaluateConfig cfg, Dataset<Row> labelled, EvaluationResult metrics,
                        ConfusionMatrix pointAdjusted, String latentPng, Map<String, Object> json, String dir) {
        Settings s = ctx.settings();
        HtmlReport html = new HtmlReport("Anomaly detection evaluation");
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String k : List.of("score_table", "where", "label_column", "model_names", "model_versions",
                "threshold_min", "threshold_max")) {
            summary.put(k, json.get(k));
        }
        summary.put("rows", metrics.rows());
        summary.put("unlabelled_rows", metrics.unlabelledRows());
        summary.put("roc_auc", metrics.rocAuc());
        summary.put("pr_auc", metrics.prAuc());
        html.section("Summary").facts(summary);

        html.section("Confusion matrix and classification report at the active threshold")
                .confusion(metrics.confusion());
        if (pointAdjusted != null) {
            html.paragraph("Point-adjusted (a labelled anomaly segment counts as detected when any of its records is"
                    + " flagged):").confusion(pointAdjusted);
        }

        html.section("Figures");
        Map<String, Object> figures = new LinkedHashMap<>();
        List<Map<String, Object>> loss = lossCurve(ctx, json);
        if (!loss.isEmpty()) {
            ReportCharts.lossCurve(loss, ctx.files(), dir + "/" + LOSS_PNG);
            html.figure(new HtmlReport.Figure(LOSS_PNG, "Training loss per epoch (from the model bundle)"));
            figures.put("loss_curve", LOSS_PNG);
        }
        double threshold = json.get("threshold_min") instanceof Number n ? n.doubleValue() : Double.NaN;
        ScoreHistogram histogram = ScoreHistogram.of(labelled, ScoreTable.SCORE, cfg.histogramBins());
        ReportCharts.scoreHistogram(histogram, threshold, ctx.files(), dir + "/" + HISTOGRAM_PNG);
        boolean perRecordThresholds = !java.util.Objects.equals(json.get("threshold_min"), json.get("threshold_max"));
        html.figure(new HtmlReport.Figure(HISTOGRAM_PNG, "Anomaly scores of normal and anomalous records with the"
                + (perRecordThresholds ? " lowest of the segment thresholds" : " threshold")
                + " (range: minimum to the 99.9th percentile)"));
        figures.put("score_histogram", HISTOGRAM_PNG);
        ConfusionMatrix cm = metrics.confusion();
        if (cm.tp() + cm.fn() > 0 && cm.tn() + cm.fp() > 0) {
            ScoreCurve curve = ScoreCurve.compute(labelled, ScoreTable.SCORE, BinaryEvaluator.LABEL,
                    cfg.curveBins());
            double ap = curve.averagePrecision();
            ReportCharts.roc(curve, metrics.rocAuc(), ctx.files(), dir + "/" + ROC_PNG);
            ReportCharts.precisionRecall(curve, ap, ctx.files(), dir + "/" + PR_PNG);
            html.figure(new HtmlReport.Figure(ROC_PNG, String.format("ROC curve, AUC %.4f", metrics.rocAuc())));
            html.figure(new HtmlReport.Figure(PR_PNG, String.format("Precision-recall curve, average precision %.4f",
                    ap)));
            figures.put("roc_curve", ROC_PNG);
            figures.put("precision_recall", PR_PNG);
            json.put("average_precision", ap);
        }
        if (latentPng != null) {
            String name = latentPng.substring(latentPng.lastIndexOf('/') + 1);
            html.figure(new HtmlReport.Figure(name, "Latent space of a sample of labelled records"));
            figures.put("latent_space", name);
        }
        json.put("figures", figures);

        String segment = cfg.segmentColumn();
        String thresholdSegment = ThresholdCalculator.segmentColumn(s);
        if (segment.isBlank() && Arrays.asList(labelled.columns()).contains(thresholdSegment)) {
            segment = thresholdSegment; // the per-segment thresholds' column, when the table has it
        }
        if (!segment.isBlank()) {
            if (!Arrays.asList(labelled.columns()).contains(segment)) {
                throw new dev.lakead.LakeadException("Segment column '" + segment + "' (setting"
                        + " 'evaluate.segment-column') is not in the score table; columns: "
                        + String.join(", ", labelled.columns()));
            }
            html.section("Per segment");
            segmentTable(labelled, segment, cfg.maxSegments(), html);
        }
        String path = dir + "/" + HTML;
        ctx.files().writeString(path, html.render());
        LOG.info("HTML report with {} figures written to {}", html.figures().size(), path);
        return path;
    }

    private static void segmentTable(Dataset<Row> labelled, String segment, int max, HtmlReport html) {
        Column y = col(BinaryEvaluator.LABEL);
        Column flagged = col(ScoreTable.IS_ANOMALY);
        long total = labelled.agg(countDistinct(col(segment))).first().getLong(0);
        List<Row> rows = labelled.groupBy(col(segment).cast("string").as("segment"))
                .agg(count(lit(1)).as("rows"), sum(when(flagged, 1).otherwise(0)).as("flagged"),
                        sum(when(y.equalTo(1), 1).otherwise(0)).as("anomalies"),
                        sum(when(y.equalTo(1).and(flagged), 1).otherwise(0)).as("tp"),
                        count(y).as("labelled"))
                .orderBy(desc("rows")).limit(max).collectAsList();
        List<HtmlReport.SegmentRow> out = new ArrayList<>();
        for (Row r : rows) {
            long n = r.getLong(1);
            long f = r.getLong(2);
            long a = r.getLong(3);
            long tp = r.getLong(4);
            boolean hasLabels = r.getLong(5) > 0;
            out.add(new HtmlReport.SegmentRow(String.valueOf(r.get(0)), n, f, a,
                    hasLabels && f > 0 ? (double) tp / f : Double.NaN, hasLabels && a > 0 ? (double) tp / a : Double.NaN));
        }
        html.segments(segment, out, total);
    }

    /** The loss curve stored in the bundle that scored the table (model.path, or model.root/name/version). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lossCurve(JobContext ctx, Map<String, Object> json) {
        Settings s = ctx.settings();
        ModelConfig model = ModelConfig.from(s);
        String bundle = model.path();
        List<Object> names = (List<Object>) json.get("model_names");
        List<Object> versions = (List<Object>) json.get("model_versions");
        if (bundle.isBlank() && names != null && versions != null && names.size() == 1 && versions.size() == 1) {
            bundle = model.versionPath(String.valueOf(names.get(0)), versions.get(0));
        }
        String meta = bundle + "/metadata.json";
        if (bundle.isBlank() || !ctx.files().exists(meta)) {
            LOG.info("No model bundle found for the loss curve (looked for {})", meta);
            return List.of();
        }
        try {
            Map<String, Object> training = dev.lakead.bundle.BundleCodec.readMetadata(ctx.files(), bundle)
                    .trainingOrEmpty();
            return (List<Map<String, Object>>) training.getOrDefault("loss_curve", List.of());
        } catch (dev.lakead.LakeadException | ClassCastException e) {
            LOG.warn("Cannot read the loss curve from {}: {}", meta, e.getMessage());
            return List.of();
        }
    }
}
