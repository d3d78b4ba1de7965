package dev.lakead.models.lstm;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.SlidingWindows;
import dev.lakead.models.ModelFamily.SeriesColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The timeseries.* settings of the LSTM family, read once where it trains or scores: how each entity's series is
 * cut into windows and how the windows' scores become a record's.
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
                        boolean perEntity, double entityMinStd) implements java.io.Serializable {

    static TimeSeriesConfig from(Settings s) {
        SeriesColumns columns = SeriesColumns.from(s);
        return new TimeSeriesConfig(columns, s.positiveInt("timeseries.window"), s.positiveInt("timeseries.stride"),
                s.number("timeseries.max-gap"), s.choice("timeseries.aggregate", "mean", "max", "min"),
                "per-entity".equals(s.choice("timeseries.mode", "global", "per-entity")),
                s.number("timeseries.entity-min-std"));
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
