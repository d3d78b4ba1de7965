package dev.lakead.evaluation;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Counts of scores per bin, normal and anomalous records apart (the chapter's 4.1.3 figure), computed with one
 * aggregation on the executors. The range runs from the minimum to the 99.9th percentile so that a few extreme
 * scores do not squash the picture; higher scores are counted in the last bin. Reconstruction errors are heavy
 * tailed, so positive scores spanning more than two decades get bins of equal width in log(score).
 */
public record ScoreHistogram(double from, double width, boolean log, long[] normal, long[] anomaly,
                             long[] unlabelled) {

    /** @param labelled rows with {@link BinaryEvaluator#LABEL} (1 anomaly, 0 normal, null unknown) */
    public static ScoreHistogram of(Dataset<Row> labelled, String scoreColumn, int bins) {
        Column s = col(scoreColumn);
        double[] range = labelled.stat().approxQuantile(scoreColumn, new double[]{0.0, 0.999}, 0.0005);
        double from = range.length == 0 ? 0 : range[0];
        double to = range.length == 0 ? 1 : Math.max(range[1], from + 1e-12);
        boolean log = from > 0 && to / from > 100;
        double start = log ? Math.log(from) : from;
        double width = ((log ? Math.log(to) : to) - start) / bins;
        Column x = log ? org.apache.spark.sql.functions.log(s) : s;
        Column bin = least(greatest(floor(x.minus(start).divide(width)), lit(0)), lit(bins - 1)).cast("int");
        Column label = col(BinaryEvaluator.LABEL);
        Column kind = when(label.isNull(), 2).when(label.gt(0), 1).otherwise(0);
        List<Row> rows = labelled.where(s.isNotNull()).groupBy(bin.as("bin"), kind.as("kind")).agg(count(lit(1)))
                .collectAsList();
        long[] normal = new long[bins];
        long[] anomaly = new long[bins];
        long[] unlabelled = new long[bins];
        for (Row r : rows) {
            long[] target = r.getInt(1) == 1 ? anomaly : r.getInt(1) == 0 ? normal : unlabelled;
            target[r.getInt(0)] += r.getLong(2);
        }
        return new ScoreHistogram(start, width, log, normal, anomaly, unlabelled);
    }

    /** The score at the middle of bin i. */
    public double binCenter(int i) {
        double c = from + (i + 0.5) * width;
        return log ? Math.exp(c) : c;
    }
}
