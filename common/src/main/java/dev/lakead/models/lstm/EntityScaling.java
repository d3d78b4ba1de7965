package dev.lakead.models.lstm;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * Per-entity standardisation of windows ([n, features, steps]), fitted on the entity's own training windows: in the
 * per-entity mode every machine is scaled by its own normal operation (as SKAB's protocol does per experiment), not
 * by the spread of all machines together.
 * <p>
 * An entity's deviation of a feature is floored ({@link #floors}): a command flag that never (or once) moved in this
 * entity's training would otherwise be divided by 0 → 1 or by a tiny deviation, and one flip at test time would add
 * ~100× the threshold to a normal record's score. The floor of a flag (≤ 2 distinct values over all entities'
 * training rows) is half its range over all entities, so a flip moves it by at most 2; any other feature's floor is
 * {@code minStd} × its deviation over all entities' training rows (setting timeseries.entity-min-std), small enough
 * not to touch a sensor that really varies.
 */
record EntityScaling(float[] mean, float[] std) implements Serializable {

    /** Unfloored: a (nearly) constant feature is centred and keeps unit scale. */
    static EntityScaling fit(INDArray windows) {
        return fit(windows, null);
    }

    /** @param floors each feature's smallest deviation (null: none, constant features keep unit scale) */
    static EntityScaling fit(INDArray windows, float[] floors) {
        INDArray perFeature = windows.permute(1, 0, 2).reshape('c', windows.size(1), -1); // [features, n*steps]
        float[] mean = perFeature.mean(1).toFloatVector();
        float[] std = perFeature.std(1).toFloatVector();
        for (int i = 0; i < std.length; i++) {
            if (floors != null && floors[i] > std[i]) {
                std[i] = floors[i];
            }
            if (!(std[i] > 1e-6f)) {
                std[i] = 1f; // a constant feature: centre it, do not blow it up
            }
        }
        return new EntityScaling(mean, std);
    }

    /**
     * Each feature's floor from its statistics over all entities' training rows (in the units the windows are in):
     * half the range for a flag (at most two distinct values), else {@code minStd} × the pooled deviation.
     */
    static float[] floors(double[] pooledStd, double[] min, double[] max, long[] distinct, double minStd) {
        float[] f = new float[pooledStd.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (distinct[i] <= 2 ? (max[i] - min[i]) / 2 : minStd * pooledStd[i]);
        }
        return f;
    }

    INDArray apply(INDArray windows) {
        INDArray x = windows.dup();
        Broadcast.sub(x, Nd4j.createFromArray(mean), x, 1);
        Broadcast.div(x, Nd4j.createFromArray(std), x, 1);
        return x;
    }
}
