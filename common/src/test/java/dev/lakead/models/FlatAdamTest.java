package dev.lakead.models;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heap loop must take ND4J's Adam op's steps; both ways flush tiny moments. */
class FlatAdamTest {
    private static final DenseStack.Optimiser ADAM = new DenseStack.Optimiser(1e-2, 0.9, 0.999, 1e-8, 0);
    private static final int N = 1000;

    /** Runs {@code steps} steps from the same start and gradients; returns the parameters. */
    private static float[] run(boolean inJava, int steps) {
        Random rng = new Random(3);
        INDArray params = Nd4j.create(DataType.FLOAT, 1, N);
        for (int i = 0; i < N; i++) {
            params.putScalar(0, i, rng.nextGaussian());
        }
        INDArray gradient = Nd4j.create(DataType.FLOAT, 1, N);
        FlatAdam adam = FlatAdam.of(ADAM, params, gradient, inJava);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < N; i++) { // a loss pulling each parameter to 0, with noise; some gradients zero
                gradient.putScalar(0, i, i % 10 == 0 ? 0 : params.getFloat(0, i) + 0.1 * rng.nextGaussian());
            }
            adam.step();
        }
        return params.toFloatVector();
    }

    @Test
    void heapLoopTakesNd4jsAdamSteps() {
        float[] op = run(false, 60);
        float[] loop = run(true, 60);
        float[] start = run(true, 0);
        assertArrayEquals(op, loop, 1e-5f);
        double moved = 0;
        for (int i = 0; i < N; i++) {
            moved += Math.abs(loop[i] - start[i]);
        }
        assertTrue(moved / N > 0.1, "the parameters moved: " + moved / N);
        assertEquals(start[0], loop[0], 0f); // a zero gradient leaves a parameter in place
    }

    @Test
    void stepsFromParametersReplacedBetweenSteps() {
        for (boolean inJava : new boolean[]{true, false}) {
            INDArray params = Nd4j.ones(DataType.FLOAT, 1, 4);
            INDArray gradient = Nd4j.ones(DataType.FLOAT, 1, 4);
            FlatAdam adam = FlatAdam.of(ADAM, params, gradient, inJava);
            adam.step();
            params.assign(10); // a new average arrives
            adam.paramsReplaced();
            gradient.assign(1);
            adam.step();
            for (float p : params.toFloatVector()) { // Adam's first steps move by about the learning rate
                assertEquals(10 - ADAM.learningRate(), p, 1e-3, inJava ? "heap" : "op");
            }
        }
    }

    @Test
    void tinyMomentsAreFlushedToZero() {
        for (boolean inJava : new boolean[]{true, false}) {
            FlatAdam adam = FlatAdam.of(ADAM, Nd4j.zeros(DataType.FLOAT, 1, 3), Nd4j.zeros(DataType.FLOAT, 1, 3),
                    inJava);
            float[] tiny = {1e-35f, -1e-40f, 1e-20f};
            adam.setMoments(tiny, tiny);
            adam.flushTinyMoments();
            for (float[] m : adam.moments()) {
                assertArrayEquals(new float[]{0f, 0f, 1e-20f}, m, 0f, inJava ? "heap" : "op");
            }
        }
    }
}
