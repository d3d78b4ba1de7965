package dev.lakead.models.lstm;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * Per-entity standardisation of windows ([n, features, steps]), fitted on the entity's own training windows: in the
 * per-entity mode every machine is scaled by its own normal operation (as SKAB's protocol does per experiment), not
 * by the spread of all machines together.
 */
record EntityScaling(float[] mean, float[] std) implements Serializable {

    static EntityScaling fit(INDArray windows) {
        INDArray perFeature = windows.permute(1, 0, 2).reshape('c', windows.size(1), -1); // [features, n*steps]
        float[] mean = perFeature.mean(1).toFloatVector();
        float[] std = perFeature.std(1).toFloatVector();
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 1e-6f)) {
                std[i] = 1f; // a constant feature: centre it, do not blow it up
            }
        }
        return new EntityScaling(mean, std);
    }

    INDArray apply(INDArray windows) {
        INDArray x = windows.dup();
        Broadcast.sub(x, Nd4j.createFromArray(mean), x, 1);
        Broadcast.div(x, Nd4j.createFromArray(std), x, 1);
        return x;
    }
}
