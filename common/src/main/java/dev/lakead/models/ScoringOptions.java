package dev.lakead.models;

import dev.lakead.config.Settings;
import dev.lakead.models.batch.BatchScorer;

/**
 * How a model scores a table, whatever its family: the settings score.batch-size, score.latent-export and
 * score.feature-errors, read and checked here only. The score step passes them to {@link ModelFamily#scorer}.
 *
 * @param batchSize rows per network call (score.batch-size)
 * @param outputs   the optional output columns next to the score
 */
public record ScoringOptions(int batchSize, BatchScorer.Outputs outputs) implements java.io.Serializable {

    public static ScoringOptions from(Settings s) {
        return new ScoringOptions(batchSize(s), BatchScorer.Outputs.from(s));
    }

    /** score.batch-size alone, for scoring the training rows (thresholds, ensemble scales), which adds no outputs. */
    public static int batchSize(Settings s) {
        return s.positiveInt("score.batch-size");
    }
}
