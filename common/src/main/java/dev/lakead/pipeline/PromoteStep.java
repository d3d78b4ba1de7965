package dev.lakead.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lakead.io.ColumnRef.col;

/**
 * promote (champion / challenger): scores the labelled reference validation table (threshold.validation.*) with
 * the challenger (model.path or the latest version) and with the current champion, and makes the challenger the
 * champion only if it is at least as good (promote.metric, within promote.tolerance). The champion is recorded in
 * {@code <model.root>/<name>/champion.json} with the previous one, which jobs use when no version is given; every
 * bundle stays on disk, so a rollback is one command.
 */
public final class PromoteStep {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteStep.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PromoteStep() {
    }

    public record Result(boolean promoted, String champion, String challenger, double challengerMetric,
                         double championMetric, String metric) {
    }

    public static Result run(JobContext ctx, boolean force) {
        Settings s = ctx.settings();
        String name = s.required("model.name");
        String root = s.string("model.root");
        String explicit = s.string("model.path");
        String challengerPath = !explicit.isBlank() ? explicit
                : ModelBundle.locateLatest(ctx.files(), root, name);
        ModelBundle challenger = ModelBundle.load(ctx.spark(), ctx.files(), challengerPath);
        Map<String, Object> current = ModelBundle.champion(ctx.files(), root, name);
        String metric = s.choice("promote.metric", "roc-auc", "pr-auc");
        if (current != null && challenger.version().equals(current.get("version"))) {
            LOG.info("{} is already the champion", challengerPath);
            double m = ((Number) current.getOrDefault("metric_value", Double.NaN)).doubleValue();
            return new Result(false, challengerPath, challengerPath, m, m, metric);
        }
        double challengerMetric = force ? Double.NaN : metric(ctx, challenger, metric);
        double championMetric = Double.NaN;
        boolean promote = true;
        if (current != null && !force) {
            ModelBundle champion = ModelBundle.load(ctx.spark(), ctx.files(), root + "/" + name + "/"
                    + current.get("version"));
            championMetric = metric(ctx, champion, metric);
            promote = challengerMetric >= championMetric - s.number("promote.tolerance");
        }
        LOG.info("Challenger {} {} {} vs champion {} {}: {}", challenger.version(), metric, challengerMetric,
                current == null ? "(none)" : current.get("version"), championMetric, promote ? "promoted" : "kept");
        if (promote) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("version", challenger.version());
            record.put("path", challenger.path());
            record.put("metric", metric);
            record.put("metric_value", challengerMetric);
            record.put("promoted_at", Instant.now().toString());
            record.put("forced", force);
            List<Object> history = new ArrayList<>();
            if (current != null) {
                Map<String, Object> previous = new LinkedHashMap<>(current);
                previous.remove("history");
                history.add(previous);
                Object older = current.get("history");
                if (older instanceof List<?> l) {
                    history.addAll(l);
                }
            }
            record.put("history", history);
            writeChampion(ctx, root, name, record);
        }
        return new Result(promote, promote ? challenger.path() : root + "/" + name + "/" + current.get("version"),
                challenger.path(), challengerMetric, championMetric, metric);
    }

    /** Makes the previous champion the champion again. */
    @SuppressWarnings("unchecked")
    public static String rollback(JobContext ctx) {
        Settings s = ctx.settings();
        String name = s.required("model.name");
        String root = s.string("model.root");
        Map<String, Object> current = ModelBundle.champion(ctx.files(), root, name);
        List<Object> history = current == null ? List.of() : (List<Object>) current.getOrDefault("history", List.of());
        if (history.isEmpty()) {
            throw new LakeadException("No previous champion of '" + name + "' to roll back to");
        }
        Map<String, Object> previous = new LinkedHashMap<>((Map<String, Object>) history.get(0));
        previous.put("history", history.subList(1, history.size()));
        previous.put("rolled_back_at", Instant.now().toString());
        writeChampion(ctx, root, name, previous);
        LOG.info("Rolled back '{}' from {} to {}", name, current.get("version"), previous.get("version"));
        return root + "/" + name + "/" + previous.get("version");
    }

    private static void writeChampion(JobContext ctx, String root, String name, Map<String, Object> record) {
        String path = root + "/" + name + "/" + ModelBundle.CHAMPION;
        try {
            ctx.files().replaceString(path, JSON.writeValueAsString(record));
        } catch (IOException e) {
            throw new LakeadException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** ROC-AUC or PR-AUC of a bundle on the labelled validation table, computed on the executors. */
    static double metric(JobContext ctx, ModelBundle bundle, String metric) {
        Dataset<Row> scored = ThresholdStep.validationScores(ctx, bundle.pipeline(),
                ModelFamilies.get(bundle.model().type()), bundle.model());
        Dataset<Row> decided = scored.withColumn(ScoreStep.IS_ANOMALY,
                col(BatchScorer.SCORE).gt(bundle.threshold().value())).cache();
        try {
            EvaluationResult r = BinaryEvaluator.evaluateLabelled(decided, BinaryEvaluator.LABEL, BatchScorer.SCORE,
                    ScoreStep.IS_ANOMALY, 0);
            return "pr-auc".equals(metric) ? r.prAuc() : r.rocAuc();
        } finally {
            decided.unpersist();
        }
    }
}
