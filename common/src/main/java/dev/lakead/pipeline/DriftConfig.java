package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.table.DriftTable;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFilter;
import dev.lakead.table.TableLocation;

/**
 * The drift job's settings (drift.*), read and checked once.
 *
 * @param partitionColumn one drift row per feature per value of this column
 * @param where           the recent rows of the input table (required)
 * @param referenceWhere  the training reference; "" = the filter the bundle's training data was read with
 * @param ksPoints        KS evaluated at this many reference quantiles
 * @param bins            PSI over this many reference-quantile bins (at most ksPoints)
 * @param scores          the score table for the score and anomaly-rate checks (drift.scores-path, else
 *                        score.output-path); null when neither is set
 * @param output          the drift table (drift.output-path, drift.table-name)
 * @param summaryPath     the JSON summary
 */
public record DriftConfig(String partitionColumn, TableFilter where, String referenceWhere, int ksPoints, int bins,
                          double psiThreshold, double ksThreshold, double anomalyRateFactor, TableLocation scores,
                          TableLocation output, String summaryPath) {

    public static DriftConfig from(Settings s) {
        String partition = s.required("drift.partition-column");
        TableFilter where = new TableFilter(where(s), "drift.where");
        int grid = s.positiveInt("drift.ks-points");
        int bins = s.positiveInt("drift.bins");
        double psiLimit = s.number("drift.psi-threshold");
        double ksLimit = s.number("drift.ks-threshold");
        if (bins > grid) {
            throw new LakeadException("Setting 'drift.bins' (" + bins + ") must not exceed 'drift.ks-points' (" + grid
                    + ")");
        }
        return new DriftConfig(partition, where, s.string("drift.reference-where"), grid, bins, psiLimit, ksLimit,
                s.number("drift.anomaly-rate-factor"), ScoreTable.optionalInput(s, "drift.scores-path"),
                DriftTable.output(s), summaryPath(s));
    }

    /** drift.where, required: the recent rows, which the summary records and retrain-recommended checks. */
    public static String where(Settings s) {
        return s.required("drift.where");
    }

    /** drift.summary-path, required: where the drift job writes its summary and retrain-recommended reads it. */
    public static String summaryPath(Settings s) {
        return s.required("drift.summary-path");
    }
}
