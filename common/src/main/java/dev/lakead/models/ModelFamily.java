package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.training.TrainingHistory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Optional;

/**
 * One detector family (Autoencoder, ...): trains through Spark, restores its models and scores tables with them.
 * Adding a family means one new package and one line in {@link ModelFamilies} (or in
 * {@code META-INF/services/dev.lakead.models.ModelFamily}); jobs, thresholds, bundles and score tables stay the same.
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

    /**
     * The columns that order the family's records, when its models score each entity's records in time order (a
     * series' windows): preprocess keeps them with the prepared rows and the score step with the scores. Empty for
     * models that score every record on its own.
     */
    default Optional<SeriesColumns> series(Settings settings) {
        return Optional.empty();
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

    /** {@link #scorer(AnomalyModel, FeaturePipeline, ScoringOptions, Settings)} with the settings' options. */
    default RecordScorer scorer(AnomalyModel model, FeaturePipeline pipeline, Settings settings) {
        return scorer(model, pipeline, ScoringOptions.from(settings), settings);
    }

    /**
     * How {@code model} scores a table on the executors. The default scores every record on its own, in batches
     * of {@link ScoringOptions#batchRows} rows, with the options' outputs.
     *
     * @param pipeline the bundle's preprocessing, for {@link RecordScorer#score} of raw rows
     * @param settings for the family's own scoring settings (the default has none)
     */
    default RecordScorer scorer(AnomalyModel model, FeaturePipeline pipeline, ScoringOptions options,
                                Settings settings) {
        return new RecordScorer() {
            @Override
            public Dataset<Row> score(Dataset<Row> input, List<String> passColumns) {
                return BatchScorer.scoreRaw(input, passColumns, pipeline, model, options.batchRows(),
                        options.outputs());
            }

            @Override
            public Dataset<Row> scoreFeatured(Dataset<Row> featured, List<String> passColumns) {
                return BatchScorer.scoreVectors(featured, passColumns, model, options.batchRows(),
                        BatchScorer.Outputs.SCORE_ONLY);
            }
        };
    }

    /**
     * Fails, saying why, when the family's models cannot score one record alone and in process (the real-time
     * scorer); the default models can.
     */
    default void requireSingleRecordScoring() throws LakeadException {
    }

    record Trained(AnomalyModel model, TrainingHistory history) {
    }
}
