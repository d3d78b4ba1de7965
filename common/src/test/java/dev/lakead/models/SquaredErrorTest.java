package dev.lakead.models;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SquaredErrorTest {
    @Test
    void sumsTheSquaredDifferencesOfTheRangeOnly() {
        float[] a = {9f, 1f, 2f, 3f, 4f, 5f, 6f, 9f};
        float[] b = {0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f};
        // 1 + 4 + 9 + 16 + 25 + 36
        assertEquals(91.0, SquaredError.sum(a, b, 1, 7));
        assertEquals(0.0, SquaredError.sum(a, b, 3, 3));
        assertEquals(81.0 + 1.0, SquaredError.sum(a, b, 0, 2));
    }
}
