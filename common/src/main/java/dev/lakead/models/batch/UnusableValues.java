package dev.lakead.models.batch;

import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * The rows a scorer read and their null, NaN and infinite feature values (per feature, and rows with any), counted
 * while the batch loop reads the raw rows: the input audit's numbers from the scoring pass itself, instead of a
 * pass over the input of their own. A Spark accumulator: each task counts its own rows and the driver adds up the
 * tasks that succeeded, so a retried task counts once; only when a shuffle stage is recomputed (an executor lost
 * after its tasks ended, before a table format's shuffle was read) can rows be counted twice.
 */
public final class UnusableValues extends AccumulatorV2<long[], long[]> {
    private long[] counts; // rows, rows with any unusable value, then one per feature

    public UnusableValues(int features) {
        counts = new long[features + 2];
    }

    /** A new counter for {@code features} features, registered with the context (as accumulators must be). */
    public static UnusableValues register(SparkContext sc, int features) {
        UnusableValues u = new UnusableValues(features);
        sc.register(u, "lakead input audit");
        return u;
    }

    void unusable(int feature) {
        counts[feature + 2]++;
    }

    void row(boolean anyUnusable) {
        counts[0]++;
        if (anyUnusable) {
            counts[1]++;
        }
    }

    public long rows() {
        return counts[0];
    }

    public long rowsWithUnusableValues() {
        return counts[1];
    }

    public long unusableValues(int feature) {
        return counts[feature + 2];
    }

    @Override
    public boolean isZero() {
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public AccumulatorV2<long[], long[]> copy() {
        UnusableValues u = new UnusableValues(counts.length - 2);
        u.counts = counts.clone();
        return u;
    }

    @Override
    public void reset() {
        counts = new long[counts.length];
    }

    @Override
    public void add(long[] v) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += v[i];
        }
    }

    @Override
    public void merge(AccumulatorV2<long[], long[]> other) {
        add(other.value());
    }

    @Override
    public long[] value() {
        return counts;
    }
}
