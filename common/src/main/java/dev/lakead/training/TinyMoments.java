package dev.lakead.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Sets an optimiser's tiny moments to zero. Adam's moments of a parameter whose gradient has become zero (a dead
 * ReLU unit's weights) decay geometrically (the first by β1 = 0.9 a step) into float's subnormal range within a
 * thousand steps, where every arithmetic operation on them takes the CPU's slow path: training slowed 3-4x from
 * about the 700th step on (bench/README, perf.sh). Below 1e-30 a moment is nothing: the update it gives,
 * lr · m / (√v + ε) with ε = 1e-8, is below lr · 1e-22, and a √v below 1e-15 is nothing beside ε. Flushing every few
 * dozen steps is enough: β1 = 0.9 takes 1e-30 to the subnormal range in about 170 steps.
 */
public final class TinyMoments {
    private static final float TINY = 1e-30f;

    private TinyMoments() {
    }

    /** Zeroes the values of {@code state} below 1e-30 in magnitude, in place; null is left alone. */
    public static void flush(float[] state) {
        if (state == null) {
            return;
        }
        for (int i = 0; i < state.length; i++) {
            if (Math.abs(state[i]) < TINY) {
                state[i] = 0f;
            }
        }
    }

    /** As {@link #flush(float[])}, for optimiser state kept in an ND4J array (where it is, on any backend). */
    public static void flush(INDArray state) {
        if (state != null && !state.isEmpty()) {
            BooleanIndexing.replaceWhere(state, 0.0, Conditions.absLessThan(TINY));
        }
    }
}
