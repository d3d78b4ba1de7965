package dev.lakead.models;

import dev.lakead.config.Settings;
import dev.lakead.training.TrainingHistory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One detector family (Autoencoder, ...): trains through Spark and restores its models. Adding a family means
 * one new package and one line in {@link ModelFamilies}; jobs, thresholds, bundles and score tables stay the same.
 */
public interface ModelFamily {
    String type();

    /**
     * Trains on the executors.
     *
     * @param features rows with the scaled vector column {@link dev.lakead.features.FeaturePipeline#FEATURES}
     * @param scaler   the preprocessing scaler (standard, minmax or robust), which decides the output layer
     */
    Trained train(Dataset<Row> features, int inputSize, String scaler, Settings settings);

    AnomalyModel decode(byte[] bytes);

    /** Checks the family's own settings before any data is read (train --dry-run); errors name the setting. */
    default void validate(Settings settings) {
    }

    /** True for time-series models: their input keeps the entity and time columns and is scored by window. */
    default boolean sequence() {
        return false;
    }

    /**
     * One anomaly score per record ({@link dev.lakead.scoring.BatchScorer#SCORE}) next to the pass-through columns.
     *
     * @param featured rows carrying the scaled vector column {@link dev.lakead.features.FeaturePipeline#FEATURES}
     */
    default Dataset<Row> scoreRecords(Dataset<Row> featured, java.util.List<String> passColumns, AnomalyModel model,
                                      Settings settings) {
        return dev.lakead.scoring.BatchScorer.scoreVectors(featured, passColumns, model,
                settings.positiveInt("score.batch-size"));
    }

    record Trained(AnomalyModel model, TrainingHistory history) {
    }
}
