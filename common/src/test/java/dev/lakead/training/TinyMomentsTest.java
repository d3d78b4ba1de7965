package dev.lakead.training;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TinyMomentsTest {
    private static final float[] STATE = {1e-35f, -1e-40f, 1e-20f, -3f, 0f, Float.MIN_VALUE};
    private static final float[] FLUSHED = {0f, 0f, 1e-20f, -3f, 0f, 0f};

    @Test
    void zeroesValuesBelow1e30InJavaArrays() {
        float[] s = STATE.clone();
        TinyMoments.flush(s);
        assertArrayEquals(FLUSHED, s, 0f);
        TinyMoments.flush((float[]) null);
    }

    @Test
    void zeroesValuesBelow1e30InNd4jArrays() {
        INDArray s = Nd4j.createFromArray(STATE.clone());
        TinyMoments.flush(s);
        assertArrayEquals(FLUSHED, s.toFloatVector(), 0f);
    }
}
