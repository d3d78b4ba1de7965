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

    /**
     * Per-feature reconstruction error of every row ([rows, inputSize]), so that a user can see which feature drove
     * the score; null for models that do not reconstruct their input feature by feature.
     */
    default INDArray featureErrors(INDArray batch) {
        return null;
    }

    /** Whether {@link #featureErrors} gives errors (setting {@code score.feature-errors} needs them). */
    default boolean hasFeatureErrors() {
        return false;
    }

    /** Scores and per-feature errors of a batch; reconstruction models override this to use one network call. */
    default Detailed scoreDetailed(INDArray batch) {
        INDArray errors = featureErrors(batch);
        return new Detailed(score(batch), errors == null ? null : errors.toDoubleMatrix());
    }

    /** A batch's scores with their per-feature errors (null when the model has none). */
    record Detailed(double[] scores, double[][] featureErrors) {
    }

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
