package dev.lakead.models;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained detector: turns a batch of scaled feature rows into one anomaly score per row (higher = more
 * anomalous). Instances are not thread-safe; each Spark task works on its own {@link #copy()}.
 */
public interface AnomalyModel {
    /** The model family, e.g. "autoencoder"; selects the {@link ModelFamily} that can decode it. */
    String type();

    int inputSize();

    /** Scores every row of {@code batch} ([rows, inputSize], float) in one network call. */
    double[] score(INDArray batch);

    /** The latent code of every row ([rows, latentSize]), for models that have one; null otherwise. */
    default INDArray latent(INDArray batch) {
        return null;
    }

    /** Size of {@link #latent}'s rows; 0 when the model has no latent space. */
    default int latentSize() {
        return 0;
    }

    /** Serialized form stored in the bundle and broadcast to executors. */
    byte[] toBytes();

    AnomalyModel copy();

    /** Hyperparameters recorded in the bundle metadata. */
    Map<String, Object> hyperparameters();
}
