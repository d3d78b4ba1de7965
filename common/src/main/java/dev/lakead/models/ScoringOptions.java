package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.models.batch.BatchRows;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.models.batch.UnusableValues;

/**
 * How a model scores a table, whatever its family: the settings score.batch-size, score.latent-export and
 * score.feature-errors, read and checked here only. The score step passes them to {@link ModelFamily#scorer}.
 *
 * @param batchRows rows per network call (score.batch-size: auto, or a fixed count)
 * @param outputs   the optional output columns next to the score
 * @param audit     where a scorer that reads raw records one by one counts them and their null, NaN and infinite
 *                  feature values (the score step's input audit, done in the scoring pass); null: nowhere
 */
public record ScoringOptions(BatchRows batchRows, BatchScorer.Outputs outputs, UnusableValues audit)
        implements java.io.Serializable {
    private static final String BATCH_SIZE = "score.batch-size";

    public static ScoringOptions from(Settings s) {
        return new ScoringOptions(batchRows(s), BatchScorer.Outputs.from(s), null);
    }

    /** These options, with the raw records' audit counted into {@code counts}. */
    public ScoringOptions auditingInto(UnusableValues counts) {
        return new ScoringOptions(batchRows, outputs, counts);
    }

    /** score.batch-size alone, for scoring the training rows (thresholds, ensemble scales), which adds no outputs. */
    public static BatchRows batchRows(Settings s) {
        if ("auto".equalsIgnoreCase(s.string(BATCH_SIZE).trim())) {
            return BatchRows.ADAPTIVE;
        }
        try {
            return BatchRows.fixed(s.positiveInt(BATCH_SIZE));
        } catch (LakeadException e) {
            throw new LakeadException("Setting '" + BATCH_SIZE + "' must be auto or a positive integer, got '"
                    + s.string(BATCH_SIZE) + "'");
        }
    }
}
