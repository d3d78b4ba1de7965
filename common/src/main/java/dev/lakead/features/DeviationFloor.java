package dev.lakead.features;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * The smallest deviation a feature is standardised by, so that a value a feature never (or hardly ever) took in
 * training gives a bounded contribution instead of dividing by a zero or tiny deviation.
 * <ul>
 *   <li>A flag (at most two distinct values in training, e.g. a 0/1 command flag): at least half its range, the
 *   deviation of a flag that is on half the time. Flipping it then moves the standardised value by at most 2 (4 in
 *   squared error), however rarely it moved in training — without the floor, a flag on in 1 % of training rows
 *   moves by 10 (100 in squared error), one on in 0.01 % by 100.</li>
 *   <li>Any other feature: at least {@link #RELATIVE_TO_MAGNITUDE} × |mean|, so that a near-constant channel (a
 *   reading that varies in its 5th significant digit) is not magnified by its rounding noise. A real sensor's
 *   deviation is far above that and never floored.</li>
 * </ul>
 * A feature constant in training keeps MLlib's behaviour (standardised to 0, i.e. ignored) in the global scaling.
 */
public final class DeviationFloor {
    /** A continuous feature's deviation is at least this fraction of its magnitude. */
    public static final double RELATIVE_TO_MAGNITUDE = 1e-4;

    private DeviationFloor() {
    }

    /** The floor of a feature with training mean, min, max and number of distinct values. */
    public static double of(double mean, double min, double max, long distinct) {
        double range = max - min;
        return distinct <= 2 ? range / 2 : RELATIVE_TO_MAGNITUDE * Math.abs(mean);
    }

    /** The floor of each of {@code columns} (numeric, nulls ignored) over {@code rows}, computed on the executors. */
    public static double[] of(Dataset<Row> rows, List<String> columns) {
        List<Column> aggs = aggregates(columns);
        Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        return of(r, 0, columns.size());
    }

    /**
     * The aggregations {@link #of(Row, int, int)} reads, {@value #AGGREGATES} per column, so that a caller can
     * compute them in the same pass as its own.
     */
    static List<Column> aggregates(List<String> columns) {
        List<Column> aggs = new ArrayList<>();
        for (String c : columns) {
            aggs.add(avg(col(c)));
            aggs.add(min(col(c)).cast("double"));
            aggs.add(max(col(c)).cast("double"));
            aggs.add(distinctValues(col(c)));
        }
        return aggs;
    }

    /**
     * The number of distinct values of a column, as far as {@link #of(double, double, double, long)} needs it
     * (two or fewer, or more). HyperLogLog++ at Spark's default precision (512 registers) counts one, two or three
     * values exactly unless two hash into one register; a finer precision (0.01: 16,384 registers) costs an
     * aggregation buffer of ~2,700 fields per column, which took a 21-column preprocess from 2 s to a minute.
     */
    public static Column distinctValues(Column c) {
        return approx_count_distinct(c);
    }

    static final int AGGREGATES = 4;

    /** The floors of {@code n} columns from the values of {@link #aggregates} starting at field {@code from}. */
    static double[] of(Row r, int from, int n) {
        double[] floors = new double[n];
        for (int i = 0; i < n; i++) {
            int f = from + AGGREGATES * i;
            floors[i] = r.isNullAt(f) ? 0 : of(r.getDouble(f), r.getDouble(f + 1), r.getDouble(f + 2), r.getLong(f + 3));
        }
        return floors;
    }

    /**
     * The fitted pipeline with its standard scaler's deviations raised to {@code floors} (a zero deviation, a
     * constant feature, stays zero: MLlib maps it to 0). Other scalers are returned unchanged.
     */
    public static PipelineModel apply(PipelineModel model, int scalerStage, double[] floors) {
        Transformer[] stages = model.stages().clone();
        if (!(stages[scalerStage] instanceof StandardScalerModel std)) {
            return model;
        }
        double[] sd = std.std().toArray();
        double[] floored = new double[sd.length];
        boolean changed = false;
        for (int i = 0; i < sd.length; i++) {
            floored[i] = sd[i] == 0 ? 0 : Math.max(sd[i], floors[i]);
            changed |= floored[i] != sd[i];
        }
        if (!changed) {
            return model;
        }
        // same uid, same params (input/output columns, withMean/withStd), floored deviations
        stages[scalerStage] = new StandardScalerModel(std.uid(), Vectors.dense(floored), std.mean())
                .copy(std.extractParamMap());
        return new PipelineModel(model.uid(), Arrays.asList(stages));
    }
}
