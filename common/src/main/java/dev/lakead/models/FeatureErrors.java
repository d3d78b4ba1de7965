package dev.lakead.models;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ability of models that reconstruct their input feature by feature: each feature's error, so that a user can see
 * which feature drove the score (setting {@code score.feature-errors} needs it).
 */
public interface FeatureErrors {
    /** Per-feature reconstruction error of every row ([rows, inputSize]). */
    INDArray featureErrors(INDArray batch);

    /** Scores and per-feature errors of a batch; reconstruction models override this to use one network call. */
    Detailed scoreDetailed(INDArray batch);

    /** A batch's scores with their per-feature errors. */
    record Detailed(double[] scores, double[][] featureErrors) {
    }
}
