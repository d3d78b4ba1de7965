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
     * @param scaler   the preprocessing scaler (standard or minmax), which decides the output layer
     */
    Trained train(Dataset<Row> features, int inputSize, String scaler, Settings settings);

    AnomalyModel decode(byte[] bytes);

    record Trained(AnomalyModel model, TrainingHistory history) {
    }
}
