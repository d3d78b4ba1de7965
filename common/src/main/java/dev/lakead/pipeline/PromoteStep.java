package dev.lakead.pipeline;

import dev.lakead.bundle.BundleStore;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.evaluation.EvaluationResult;
import dev.lakead.models.ModelFamilies;
import dev.lakead.table.ScoreTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private PromoteStep() {
    }

    public record Result(boolean promoted, String champion, String challenger, double challengerMetric,
                         double championMetric, String metric) {
    }

    public static Result run(JobContext ctx, boolean force) {
        Settings s = ctx.settings();
        ModelConfig model = ModelConfig.from(s);
        String name = model.requiredName();
        String explicit = model.path();
        BundleStore store = new BundleStore(ctx.files(), model.root());
        String challengerPath = !explicit.isBlank() ? explicit : store.latest(name);
        ModelBundle challenger = ModelBundle.load(ctx.spark(), ctx.files(), challengerPath);
        Map<String, Object> current = store.champion(name);
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
            ModelBundle champion = ModelBundle.load(ctx.spark(), ctx.files(),
                    model.versionPath(name, current.get("version")));
            championMetric = metric(ctx, champion, metric);
            promote = challengerMetric >= championMetric - s.number("promote.tolerance");
        }
        LOG.info("Challenger {} {} {} vs champion {} {}: {}", challenger.version(), metric, challengerMetric,
                current == null ? "(none)" : current.get("version"), championMetric, promote ? "promoted" : "kept");
        if (promote) {
            store.promote(name, challenger, metric, challengerMetric, force);
        }
        return new Result(promote, promote ? challenger.path() : model.versionPath(name, current.get("version")),
                challenger.path(), challengerMetric, championMetric, metric);
    }

    /** Makes the previous champion the champion again. */
    public static String rollback(JobContext ctx) {
        Settings s = ctx.settings();
        ModelConfig model = ModelConfig.from(s);
        String name = model.requiredName();
        BundleStore store = new BundleStore(ctx.files(), model.root());
        Map<String, Object> current = store.champion(name);
        String previous = store.rollback(name);
        LOG.info("Rolled back '{}' from {} to {}", name, current.get("version"),
                previous.substring(previous.lastIndexOf('/') + 1));
        return previous;
    }

    /** ROC-AUC or PR-AUC of a bundle on the labelled validation table, computed on the executors. */
    static double metric(JobContext ctx, ModelBundle bundle, String metric) {
        Dataset<Row> scored = ValidationTable.scores(ctx, bundle.pipeline(),
                ModelFamilies.get(bundle.model().type()).scoring(ctx.settings()), bundle.model());
        Dataset<Row> decided = scored.withColumn(ScoreTable.IS_ANOMALY,
                col(ScoreTable.SCORE).gt(bundle.threshold().value())).cache();
        try {
            EvaluationResult r = BinaryEvaluator.evaluateLabelled(decided, BinaryEvaluator.LABEL, ScoreTable.SCORE,
                    ScoreTable.IS_ANOMALY, 0);
            return "pr-auc".equals(metric) ? r.prAuc() : r.rocAuc();
        } finally {
            decided.unpersist();
        }
    }
}
