package dev.lakead.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.evaluation.PointAdjustment;
import dev.lakead.evaluation.LatentSpacePlot;
import dev.lakead.models.ModelFamily;
import dev.lakead.table.LabelTable;
import dev.lakead.table.ScoreTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * evaluate: reads a score table, takes labels from it (or joins them from a labels table) and writes the
 * classification report, confusion matrix, ROC-AUC and PR-AUC as report.json.
 */
public final class EvaluateStep {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateStep.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String REPORT_FILE = "report.json";
    public static final String LATENT_PNG = "latent_space.png";

    private EvaluateStep() {
    }

    /** {@code pointAdjusted} is null unless evaluate.point-adjust is set. */
    public record Result(EvaluationResult metrics, ConfusionMatrix pointAdjusted, String reportPath,
                         String htmlPath, Map<String, Object> report) {
    }

    /**
     * The score the ROC / PR curves rank by: the normalised score (score ÷ the threshold that decided the record)
     * when the table has it, so that records of entities or segments with their own thresholds are comparable;
     * for one global threshold it ranks exactly like the raw score.
     */
    static String rankingScore(Dataset<Row> scores) {
        return Arrays.asList(scores.columns()).contains(ScoreTable.SCORE_NORMALIZED) ? ScoreTable.SCORE_NORMALIZED
                : ScoreTable.SCORE;
    }

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        EvaluateConfig cfg = EvaluateConfig.from(s);
        ScoreTable table = ScoreTable.at(ctx.spark(), s, cfg.scores());
        String path = table.describe();
        Dataset<Row> scores = table.read(cfg.where());
        String where = cfg.where().expression();
        String label = cfg.labelColumn();
        String labelsPath = cfg.labelsPath();
        if (!Arrays.asList(scores.columns()).contains(label) && !labelsPath.isBlank()) {
            scores = LabelTable.join(ctx.spark(), scores, labelsPath, label, cfg.joinColumns(), EvaluateConfig.PREFIX);
        }
        String dir = cfg.outputDir();
        Dataset<Row> labelled = BinaryEvaluator.withBinaryLabel(scores, label).cache();
        EvaluationResult metrics;
        String latentPng = null;
        String htmlPath;
        Map<String, Object> report;
        ConfusionMatrix pointAdjusted = null;
        try {
            metrics = BinaryEvaluator.evaluateLabelled(labelled, label, rankingScore(labelled), ScoreTable.IS_ANOMALY,
                    cfg.numBins());
            if (cfg.pointAdjust()) {
                ModelFamily.SeriesColumns series = ModelFamily.SeriesColumns.from(s);
                pointAdjusted = PointAdjustment.confusion(labelled, series.entity(), series.time(),
                        ScoreTable.IS_ANOMALY);
            }
            if (LatentSpacePlot.available(labelled)) {
                latentPng = dir + "/" + LATENT_PNG;
                int points = LatentSpacePlot.draw(labelled.where(col(BinaryEvaluator.LABEL).isNotNull()),
                        BinaryEvaluator.LABEL, metrics.rows() - metrics.unlabelledRows(),
                        cfg.plotMaxPoints(), dev.lakead.training.NetworkSpec.seed(s), ctx.files(), latentPng);
                LOG.info("Latent space of {} sampled records drawn to {}", points, latentPng);
            }
            Row models = scores.agg(collect_set(col(ScoreTable.MODEL_NAME)),
                    collect_set(col(ScoreTable.MODEL_VERSION)), min(col(ScoreTable.THRESHOLD)),
                    max(col(ScoreTable.THRESHOLD))).first();
            report = summary(path, where, label, models);
            report.putAll(metrics.asMap());
            report.put("ranking_score", rankingScore(labelled));
            if (latentPng != null) {
                report.put("latent_space_png", latentPng);
            }
            if (pointAdjusted != null) {
                report.put("point_adjusted", Map.of("classification_report", pointAdjusted.report(),
                        "confusion_matrix", pointAdjusted.asMap()));
            }
            htmlPath = EvaluationReport.write(ctx, cfg, labelled, metrics, pointAdjusted, latentPng, report, dir);
            report.put("report_html", htmlPath);
        } finally {
            labelled.unpersist();
        }
        report.put("created_at", Instant.now().toString());

        String reportPath = dir + "/" + REPORT_FILE;
        try {
            ctx.files().writeString(reportPath, JSON.writeValueAsString(report));
        } catch (IOException e) {
            throw new LakeadException("Cannot write " + reportPath + ": " + e.getMessage(), e);
        }
        LOG.info("Evaluation of {}: ROC-AUC {} PR-AUC {}; report at {}", path, metrics.rocAuc(), metrics.prAuc(),
                reportPath);
        return new Result(metrics, pointAdjusted, reportPath, htmlPath, report);
    }

    private static Map<String, Object> summary(String path, String where, String label, Row models) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("score_table", path);
        report.put("where", where);
        report.put("label_column", label);
        report.put("model_names", models.getList(0));
        report.put("model_versions", models.getList(1));
        report.put("threshold_min", models.get(2));
        report.put("threshold_max", models.get(3));
        return report;
    }
}
