package dev.lakead.models.lstm;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.SlidingWindows;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily.SeriesColumns;
import dev.lakead.models.RecordScorer;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.ScoringSpec;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Optional;

/**
 * The timeseries.* settings of the LSTM family, read once where it trains or scores: how each entity's series is
 * cut into windows and how the windows' scores become a record's (its {@link ScoringSpec}).
 *
 * @param columns      timeseries.entity-column and timeseries.time-column
 * @param window       timeseries.window (steps per window)
 * @param stride       timeseries.stride
 * @param maxGap       timeseries.max-gap (a longer gap in time starts a new segment; 0 = never)
 * @param aggregate    timeseries.aggregate: mean, max or min of the covering windows' scores
 * @param perEntity    timeseries.mode is per-entity (one model per entity) rather than global
 * @param entityMinStd timeseries.entity-min-std, the per-entity scaling's floor (checked where it is used)
 */
record TimeSeriesConfig(SeriesColumns columns, int window, int stride, double maxGap, String aggregate,
                        boolean perEntity, double entityMinStd) implements ScoringSpec {

    static TimeSeriesConfig from(Settings s) {
        SeriesColumns columns = SeriesColumns.from(s);
        return new TimeSeriesConfig(columns, s.positiveInt("timeseries.window"), s.positiveInt("timeseries.stride"),
                s.number("timeseries.max-gap"), s.choice("timeseries.aggregate", "mean", "max", "min"),
                "per-entity".equals(s.choice("timeseries.mode", "global", "per-entity")),
                s.number("timeseries.entity-min-std"));
    }

    /** Each entity's records in time order: windows are cut from them, and the records keep the two columns. */
    @Override
    public Optional<SeriesColumns> series() {
        return Optional.of(columns);
    }

    /**
     * Scores records through the windows that cover them; with per-entity models, each record also gets its
     * entity's threshold ({@link RecordScorer#RECORD_THRESHOLD}).
     */
    @Override
    public RecordScorer scorer(AnomalyModel model, FeaturePipeline pipeline, ScoringOptions options) {
        return new RecordScorer() {
            @Override
            public Dataset<Row> score(Dataset<Row> input, List<String> passColumns) {
                return LstmAutoencoderFamily.scoreFeatured(pipeline.transform(input), passColumns, model,
                        TimeSeriesConfig.this, options.batchRows(), options.outputs());
            }

            @Override
            public Dataset<Row> scoreFeatured(Dataset<Row> featured, List<String> passColumns) {
                return LstmAutoencoderFamily.scoreFeatured(featured, passColumns, model, TimeSeriesConfig.this,
                        options.batchRows(), BatchScorer.Outputs.SCORE_ONLY);
            }
        };
    }

    String entity() {
        return columns.entity();
    }

    /** Each record's segment and position in its entity's series ({@link SlidingWindows#positions}). */
    Dataset<Row> positions(Dataset<Row> featured) {
        return SlidingWindows.positions(featured, columns.entity(), columns.time(), maxGap);
    }

    /** The windows of positioned rows, over the scaled feature vector. */
    Dataset<Row> windows(Dataset<Row> positioned) {
        return SlidingWindows.windows(positioned, columns.entity(), FeaturePipeline.FEATURES, window, stride);
    }
}
