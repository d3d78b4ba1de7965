package dev.lakead.models;

import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Optional;

/**
 * How a family's models score a table, with the family's own scoring settings already read
 * ({@link ModelFamily#scoring}): the default scores every record on its own.
 */
public interface ScoringSpec extends java.io.Serializable {
    /** Records scored one by one, in batches: the families without scoring settings of their own. */
    ScoringSpec RECORD_BY_RECORD = new ScoringSpec() {
    };

    /**
     * The columns that order the family's records, when its models score each entity's records in time order (a
     * series' windows): preprocess keeps them with the prepared rows and the score step with the scores. Empty for
     * models that score every record on its own.
     */
    default Optional<ModelFamily.SeriesColumns> series() {
        return Optional.empty();
    }

    /**
     * How {@code model} scores a table on the executors. The default scores every record on its own, in batches
     * of {@link ScoringOptions#batchRows} rows, with the options' outputs.
     *
     * @param pipeline the bundle's preprocessing, for {@link RecordScorer#score} of raw rows
     */
    default RecordScorer scorer(AnomalyModel model, FeaturePipeline pipeline, ScoringOptions options) {
        return new RecordScorer() {
            @Override
            public Dataset<Row> score(Dataset<Row> input, List<String> passColumns) {
                return BatchScorer.scoreRaw(input, passColumns, pipeline, model, options.batchRows(),
                        options.outputs(), options.audit());
            }

            @Override
            public boolean audits() {
                return options.audit() != null;
            }

            @Override
            public Dataset<Row> scoreFeatured(Dataset<Row> featured, List<String> passColumns) {
                return BatchScorer.scoreVectors(featured, passColumns, model, options.batchRows(),
                        BatchScorer.Outputs.SCORE_ONLY);
            }
        };
    }
}
