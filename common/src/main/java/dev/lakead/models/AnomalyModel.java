package dev.lakead.models;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A trained detector: turns a batch of scaled feature rows into one anomaly score per row (higher = more
 * anomalous). Instances are not thread-safe; each Spark task works on its own {@link #copy()}. Optional abilities
 * are their own interfaces: {@link FeatureErrors}, {@link LatentSpace}.
 */
public interface AnomalyModel {
    /** The model family, e.g. "autoencoder"; selects the {@link ModelFamily} that can decode it. */
    String type();

    int inputSize();

    /** Scores every row of {@code batch} ([rows, inputSize], float) in one network call. */
    double[] score(INDArray batch);

    /**
     * The score modes this model can be switched between at scoring time (setting {@code score.mode}), each with
     * its own threshold in the bundle; empty for models with one way to score.
     */
    default List<String> scoreModes() {
        return List.of();
    }

    /** The mode {@link #score} uses now (one of {@link #scoreModes()}); empty for models with one way to score. */
    default String scoreMode() {
        return "";
    }

    /** The same trained model scoring in another of its {@link #scoreModes()}. */
    default AnomalyModel withScoreMode(String mode) {
        throw new dev.lakead.LakeadException("Setting 'score.mode' is '" + mode + "' but a " + type()
                + " model has only one way to score; leave score.mode empty");
    }

    /** Serialized form stored in the bundle and broadcast to executors. */
    byte[] toBytes();

    AnomalyModel copy();

    /** Hyperparameters recorded in the bundle metadata. */
    Map<String, Object> hyperparameters();
}
