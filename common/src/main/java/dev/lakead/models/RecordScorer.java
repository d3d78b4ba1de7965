package dev.lakead.models;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * A trained model's way of scoring a table, from its {@link ModelFamily#scorer}: one row per input record with the
 * pass-through columns and {@code anomaly_score} ({@link dev.lakead.models.batch.BatchScorer#SCORE}). How records
 * become model inputs (one row, or the windows of a series that cover it) is the family's business; so is a
 * record's own threshold, which the scorer gives in {@link #RECORD_THRESHOLD} when it has one (per-entity
 * models).
 */
public interface RecordScorer {
    /** Column with each record's own threshold, when the model decides per record; the score step uses it. */
    String RECORD_THRESHOLD = "__record_threshold";

    /**
     * Scores raw input rows (the bundle's imputation and scaling are applied first), with the optional outputs the
     * settings ask for (score.latent-export, score.feature-errors).
     */
    Dataset<Row> score(Dataset<Row> input, List<String> passColumns);

    /**
     * The scores alone (no optional outputs) of rows that already carry the scaled vector column
     * {@link dev.lakead.features.FeaturePipeline#FEATURES}: prepared training rows, for thresholds and statistics.
     */
    Dataset<Row> scoreFeatured(Dataset<Row> featured, List<String> passColumns);

    /**
     * Whether {@link #score} counts the raw records it reads and their unusable feature values into
     * {@link ScoringOptions#audit()}, so that the input needs no audit pass of its own. Scorers that transform the
     * records before reading them (windows of a series) do not.
     */
    default boolean audits() {
        return false;
    }
}
