package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.io.ScoreTableWriter;
import dev.lakead.io.TableReader;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.thresholds.Threshold;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static dev.lakead.io.ColumnRef.col;

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
        ModelBundle bundle = ctx.loadBundle();
        String path = s.string("threshold.adjust.scores-path").isBlank() ? s.required("score.output-path")
                : s.string("threshold.adjust.scores-path");
        String where = s.string("threshold.adjust.where");
        Dataset<Row> recent = TableReader.filtered(TableReader.parquet(ctx.spark(), path,
                        "threshold.adjust.scores-path"), where, "threshold.adjust.where",
                path).where(col(ScoreStep.MODEL_NAME).equalTo(bundle.name()));
        String label = s.string("threshold.adjust.label-column");
        Dataset<Row> input = recent;
        if (!label.isBlank()) {
            String labels = s.string("threshold.adjust.labels-path");
            if (!labels.isBlank()) {
                input = EvaluateStep.joinLabels(ctx, recent, labels, label,
                        s.strings("threshold.adjust.join-columns"), "threshold.adjust");
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
            Threshold t = ThresholdCalculator.compute(input, BatchScorer.SCORE,
                    label.isBlank() ? null : BinaryEvaluator.LABEL, s);
            ModelBundle updated = bundle.withThreshold(ctx.files(), t);
            LOG.info("Threshold of {} re-adjusted from {} recent scores: {} -> {} (version t{})", bundle.path(), rows,
                    previous.describe(), t.describe(), updated.thresholdVersion());
            long relabelled = 0;
            long changed = 0;
            if (s.bool("threshold.adjust.relabel")) {
                long[] counts = relabel(ctx, path, where, updated);
                relabelled = counts[0];
                changed = counts[1];
            }
            return new Result(previous, t, updated.thresholdVersion(), rows, relabelled, changed);
        } finally {
            input.unpersist();
        }
    }

    /**
     * Rewrites the partitions matching {@code where} with is_anomaly and threshold from the new threshold; scores
     * untouched. The new rows are staged first (Spark cannot overwrite partitions it is reading), then swapped in
     * partition by partition with dynamic overwrite. Returns {rows rewritten, decisions changed}.
     */
    static long[] relabel(JobContext ctx, String path, String where, ModelBundle bundle) {
        List<String> partitions = TableReader.partitionColumns(ctx.spark(), path);
        if (partitions.isEmpty() && !where.isBlank()) {
            throw new LakeadException("Re-labelling part of an unpartitioned score table is not possible ("
                    + path + " has no partition columns); leave threshold.adjust.where empty to re-label it all");
        }
        Dataset<Row> table = ctx.spark().read().parquet(path);
        Dataset<Row> selected = TableReader.filtered(table, where, "threshold.adjust.where", path);
        if (!partitions.isEmpty() && !where.isBlank()) { // whole partitions: every row of a touched partition
            Dataset<Row> touched = selected.select(partitions.stream().map(c -> col(c)).toArray(Column[]::new))
                    .distinct();
            selected = table.join(touched, scala.collection.JavaConverters.asScalaBuffer(partitions).toSeq(),
                    "left_semi");
        }
        Column ours = col(ScoreStep.MODEL_NAME).equalTo(bundle.name());
        Column threshold = org.apache.spark.sql.functions.when(ours, ScoreStep.thresholdColumn(bundle.threshold()))
                .otherwise(col(ScoreStep.THRESHOLD));
        Column decision = org.apache.spark.sql.functions.when(ours, col(BatchScorer.SCORE).gt(threshold))
                .otherwise(col(ScoreStep.IS_ANOMALY));
        List<Column> out = new ArrayList<>();
        for (String c : table.columns()) {
            out.add(c.equals(ScoreStep.IS_ANOMALY) ? decision.as(c) : c.equals(ScoreStep.THRESHOLD)
                    ? threshold.as(c) : c.equals(ScoreStep.SCORE_NORMALIZED)
                    ? ScoreStep.normalized(col(BatchScorer.SCORE), threshold).as(c) : col(c));
        }
        // beside the table, not inside it: overwriting an unpartitioned table replaces its whole directory
        String staging = path.replaceAll("/+$", "") + "._relabel-" + UUID.randomUUID();
        try {
            Dataset<Row> relabelled = selected.select(out.toArray(new Column[0]));
            long changed = selected.where(ours.and(col(ScoreStep.IS_ANOMALY).notEqual(
                    col(BatchScorer.SCORE).gt(ScoreStep.thresholdColumn(bundle.threshold()))))).count();
            relabelled.write().partitionBy(partitions.toArray(new String[0])).parquet(staging);
            Dataset<Row> staged = ctx.spark().read().parquet(staging);
            long rows = staged.count();
            // the staged table has the partition columns last, as the score table has
            staged = staged.select(Arrays.stream(table.columns()).map(c -> col(c)).toArray(Column[]::new));
            ScoreTableWriter.write(staged, path, partitions, "");
            LOG.info("Re-labelled {} rows of {} ({} decisions changed)", rows, path, changed);
            return new long[]{rows, changed};
        } finally {
            ctx.files().delete(staging);
        }
    }
}
