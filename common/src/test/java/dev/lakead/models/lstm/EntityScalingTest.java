package dev.lakead.models.lstm;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-entity standardisation of windows [n, features, steps], against hand-computed statistics. */
class EntityScalingTest {

    @Test
    void standardisesEachFeatureOverAllWindowsAndSteps() {
        // 2 windows, 2 features, 3 steps: feature 0 takes 1..6, feature 1 is constant 5
        float[] data = {1, 2, 3, 5, 5, 5, 4, 5, 6, 5, 5, 5};
        INDArray windows = Nd4j.create(data, new long[]{2, 2, 3}, 'c');
        EntityScaling scaling = EntityScaling.fit(windows);
        double sd = Math.sqrt((6.25 + 2.25 + 0.25 + 0.25 + 2.25 + 6.25) / 5); // sample std of 1..6
        assertArrayEquals(new float[]{3.5f, 5f}, scaling.mean(), 1e-6f);
        assertEquals(sd, scaling.std()[0], 1e-5);
        assertEquals(1f, scaling.std()[1], 0f, "a constant feature keeps unit scale");

        INDArray scaled = scaling.apply(windows);
        assertEquals((1 - 3.5) / sd, scaled.getDouble(0, 0, 0), 1e-5);
        assertEquals((6 - 3.5) / sd, scaled.getDouble(1, 0, 2), 1e-5);
        assertEquals(0.0, scaled.getDouble(1, 1, 1), 1e-6);
        assertEquals(1.0, windows.getDouble(0, 0, 0), 0.0, "input untouched");
    }
}
