package dev.lakead.models;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastSigmoidTest {
    @Test
    void staysWithinTwoTenMillionthsOfTheExactSigmoid() {
        float[] x = new float[200_001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -40f + 80f * i / (x.length - 1); // the whole range where the sigmoid is not yet 0 or 1 in float
        }
        float[] y = x.clone();
        FastSigmoid.applyInPlace(y, y.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = 1 / (1 + Math.exp(-(double) x[i]));
            worst = Math.max(worst, Math.abs(y[i] - exact));
            assertTrue(y[i] >= 0 && y[i] <= 1, "x = " + x[i] + ": " + y[i]);
        }
        assertTrue(worst < 2.5e-7, "largest difference " + worst);
    }

    @Test
    void keepsTheLimitsAndNaN() {
        assertEquals(0.5f, FastSigmoid.of(0f));
        assertEquals(1f, FastSigmoid.of(Float.POSITIVE_INFINITY));
        assertEquals(0f, FastSigmoid.of(Float.NEGATIVE_INFINITY), 1e-7);
        assertTrue(Float.isNaN(FastSigmoid.of(Float.NaN)));
    }

    @Test
    void onlyTheFirstNValuesChange() {
        float[] v = {0f, 0f, 3f};
        FastSigmoid.applyInPlace(v, 2);
        assertEquals(0.5f, v[1]);
        assertEquals(3f, v[2]);
    }
}
