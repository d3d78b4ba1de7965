package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.table.LabelTable;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.Threshold;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic threshold re-adjustment (4.5.4): recomputes a bundle's threshold from recently scored partitions of
 * the score table (a date range; with labels or analyst feedback when there are some), stores it as the bundle's
 * next threshold version, and optionally re-labels those partitions — is_anomaly and threshold recomputed from
 * the stored anomaly_score, no rescoring.
 */
public final class ThresholdAdjustStep {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdAdjustStep.class);

    private ThresholdAdjustStep() {
    }

    public record Result(Threshold previous, Threshold threshold, int version, long scoredRows, long relabelledRows,
                         long changedDecisions) {
    }

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        ThresholdAdjustConfig cfg = ThresholdAdjustConfig.from(s);
        ModelBundle bundle = ctx.loadBundle();
        ScoreTable table = ScoreTable.at(ctx.spark(), s, cfg.scores());
        String path = table.describe();
        String where = cfg.where().expression();
        Dataset<Row> recent = table.read(cfg.where()).where(ScoreTable.ofModel(bundle.name()));
        String label = cfg.labelColumn();
        Dataset<Row> input = recent;
        if (!label.isBlank()) {
            if (!cfg.labelsPath().isBlank()) {
                input = LabelTable.join(ctx.spark(), recent, cfg.labelsPath(), label, cfg.joinColumns(),
                        ThresholdAdjustConfig.PREFIX);
            }
            input = BinaryEvaluator.withBinaryLabel(input, label);
        }
        input = input.cache();
        try {
            long rows = input.count();
            if (rows == 0) {
                throw new LakeadException("No scored rows of model '" + bundle.name() + "' in " + path
                        + (where.isBlank() ? "" : " matching threshold.adjust.where '" + where + "'"));
            }
            Threshold previous = bundle.threshold();
            Threshold t = ThresholdCalculator.compute(input, ScoreTable.SCORE,
                    label.isBlank() ? null : BinaryEvaluator.LABEL, s);
            ModelBundle updated = bundle.withThreshold(ctx.files(), t);
            LOG.info("Threshold of {} re-adjusted from {} recent scores: {} -> {} (version t{})", bundle.path(), rows,
                    previous.describe(), t.describe(), updated.thresholdVersion());
            long relabelled = 0;
            long changed = 0;
            if (cfg.relabel()) {
                ScoreTable.Relabelled r = table.relabel(cfg.where(), updated.name(), updated.threshold());
                relabelled = r.rows();
                changed = r.changedDecisions();
            }
            return new Result(previous, t, updated.thresholdVersion(), rows, relabelled, changed);
        } finally {
            input.unpersist();
        }
    }
}
