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

    @Test
    void aFlagThatNeverMovedInTheEntityIsScaledByHalfItsFleetRange() {
        // feature 0: a flag, constant 0 in this entity, taking -0.1 and 9.9 over the fleet (a rare flag after global
        // standardisation); feature 1: a sensor with fleet deviation 1 and entity deviation 1e-5 (near-constant)
        float[] floors = EntityScaling.floors(new double[]{1, 1}, new double[]{-0.1, -3}, new double[]{9.9, 3},
                new long[]{2, 5000}, 0.001);
        assertArrayEquals(new float[]{5f, 0.001f}, floors, 1e-6f);
        float[] data = {-0.1f, -0.1f, 2f, 2.00001f, -0.1f, -0.1f, 2.00002f, 2f};
        INDArray windows = Nd4j.create(data, new long[]{2, 2, 2}, 'c');
        EntityScaling scaling = EntityScaling.fit(windows, floors);
        assertEquals(5f, scaling.std()[0], 1e-6f);
        assertEquals(0.001f, scaling.std()[1], 1e-6f);
        // at test time the flag flips on: +2 standard units (4 in squared error), not +10 / 0 -> x10 the unit scale
        INDArray flipped = Nd4j.create(new float[]{9.9f, 9.9f, 2f, 2f}, new long[]{1, 2, 2}, 'c');
        assertEquals(2.0, scaling.apply(flipped).getDouble(0, 0, 0), 1e-5);
        assertEquals(1f, EntityScaling.fit(windows).std()[0], 0f, "without floors the constant flag keeps unit scale");
    }
}
