package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * One detector family (Autoencoder, ...): trains through Spark, restores its models and scores tables with them.
 * Adding a family means one new package and one line in {@link ModelFamilies} (or in
 * {@code META-INF/services/dev.lakead.models.ModelFamily}); jobs, thresholds, bundles and score tables stay the same.
 */
public interface ModelFamily<S> {
    String type();

    /**
     * The family's spec (its {@code *Spec} record) for features of this width and scaling: read from the settings
     * and checked here, once, by the train step; errors name the setting.
     *
     * @param scaler the preprocessing scaler (standard, minmax or robust), which decides the output layer
     */
    S spec(Settings settings, int inputSize, String scaler);

    /**
     * Trains on the executors.
     *
     * @param features rows with the scaled vector column {@link dev.lakead.features.FeaturePipeline#FEATURES}
     */
    Trained train(Dataset<Row> features, S spec, TrainingOptions options);

    /** {@link #spec} and the family together, for the steps, which know the family by its type name only. */
    default Configured<S> configure(Settings settings, int inputSize, String scaler) {
        return new Configured<>(this, spec(settings, inputSize, scaler));
    }

    AnomalyModel decode(byte[] bytes);

    /** Checks the family's own settings before any data is read (train --dry-run); errors name the setting. */
    default void validate(Settings settings) {
    }

    /**
     * How the family's models score: its scoring settings, read here once by each step that scores (the default
     * has none and scores every record on its own).
     */
    default ScoringSpec scoring(Settings settings) {
        return ScoringSpec.RECORD_BY_RECORD;
    }

    /** An entity column and a time column (settings timeseries.entity-column and timeseries.time-column). */
    record SeriesColumns(String entity, String time) implements java.io.Serializable {
        /** The two settings, read here only; each is required. */
        public static SeriesColumns from(Settings s) {
            return new SeriesColumns(s.required("timeseries.entity-column"), s.required("timeseries.time-column"));
        }

        public List<String> both() {
            return List.of(entity, time);
        }
    }

    /**
     * Fails, saying why, when the family's models cannot score one record alone and in process (the real-time
     * scorer); the default models can.
     */
    default void requireSingleRecordScoring() throws LakeadException {
    }

    record Trained(AnomalyModel model, TrainingHistory history) {
    }

    /** A family with its spec: what the train step (and an ensemble, for each member) trains. */
    record Configured<S>(ModelFamily<S> family, S spec) {
        public Trained train(Dataset<Row> features, TrainingOptions options) {
            return family.train(features, spec, options);
        }
    }
}
