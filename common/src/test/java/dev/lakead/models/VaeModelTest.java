package dev.lakead.models;

import dev.lakead.models.vae.VaeModel;
import dev.lakead.models.vae.VaeSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The VAE's loss terms and scores against values computed by hand for a tiny fixed network (no Spark). */
class VaeModelTest {
    // layout: enc0_w [2x2], enc0_b [2], mu_w [2x1], mu_b [1], logvar_w [2x1], logvar_b [1],
    //         dec0_w [1x2], dec0_b [2], out_w [2x2], out_b [2]
    private static final float[] PARAMS = {
            0.5f, -1.0f, 0.25f, 2.0f, 0.1f, -0.2f,   // enc0: w = [[0.5, -1], [0.25, 2]], b = [0.1, -0.2]
            1.5f, -0.5f, 0.3f,                       // mu: w = [1.5, -0.5], b = 0.3
            -0.4f, 0.2f, -0.1f,                      // logvar: w = [-0.4, 0.2], b = -0.1
            0.8f, -1.2f, 0.05f, 0.4f,                // dec0: w = [0.8, -1.2], b = [0.05, 0.4]
            1.0f, -0.7f, 0.3f, 0.9f, -0.2f, 0.1f};   // out: w = [[1, -0.7], [0.3, 0.9]], b = [-0.2, 0.1]
    private static final double[] X = {0.2, 0.9};

    private static VaeModel model(String reconstruction, double beta) {
        VaeSpec spec = new VaeSpec(2, List.of(2), 1, beta, reconstruction, false, 0.001, 1L, VaeSpec.SCORE_CHAPTER,
                4, 9L);
        return new VaeModel(spec, PARAMS);
    }

    /** Forward pass by hand at z = mu: returns {mu, logVar, out0, out1}. */
    private static double[] forward() {
        double h0 = Math.max(0, X[0] * 0.5 + X[1] * 0.25 + 0.1);
        double h1 = Math.max(0, X[0] * -1.0 + X[1] * 2.0 - 0.2);
        double mu = h0 * 1.5 + h1 * -0.5 + 0.3;
        double logVar = h0 * -0.4 + h1 * 0.2 - 0.1;
        double g0 = Math.max(0, mu * 0.8 + 0.05);
        double g1 = Math.max(0, mu * -1.2 + 0.4);
        double o0 = g0 * 1.0 + g1 * 0.3 - 0.2;
        double o1 = g0 * -0.7 + g1 * 0.9 + 0.1;
        return new double[]{mu, logVar, o0, o1};
    }

    private static INDArray x() {
        return Nd4j.create(new float[]{(float) X[0], (float) X[1]}, new long[]{1, 2}, 'c');
    }

    @Test
    void klTermIsTheClosedFormOf422() {
        double[] f = forward();
        double expected = -0.5 * (1 + f[1] - f[0] * f[0] - Math.exp(f[1]));
        assertEquals(expected, model(VaeSpec.GAUSSIAN, 1).terms(x())[1][0], 1e-5);
    }

    @Test
    void gaussianReconstructionIsHalfTheSquaredError() {
        double[] f = forward();
        double expected = 0.5 * (Math.pow(X[0] - f[2], 2) + Math.pow(X[1] - f[3], 2));
        assertEquals(expected, model(VaeSpec.GAUSSIAN, 1).terms(x())[0][0], 1e-5);
    }

    @Test
    void bernoulliReconstructionIsTheBinaryCrossEntropyOfTheSigmoidOutputLessItsFloor() {
        double[] f = forward();
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            double p = 1 / (1 + Math.exp(-f[2 + j]));
            double entropy = -(X[j] * Math.log(X[j]) + (1 - X[j]) * Math.log(1 - X[j]));
            expected += -(X[j] * Math.log(p) + (1 - X[j]) * Math.log(1 - p)) - entropy;
        }
        assertEquals(expected, model(VaeSpec.BERNOULLI, 1).terms(x())[0][0], 1e-5);
    }

    @Test
    void gaussianWithLearnedVarianceIsTheGaussianNegativeLogLikelihood() {
        float[] withVariance = java.util.Arrays.copyOf(PARAMS, PARAMS.length + 2);
        withVariance[PARAMS.length] = -0.1f;     // log variance of feature 0 = 10 x -0.1
        withVariance[PARAMS.length + 1] = 0.05f; // log variance of feature 1 = 10 x 0.05
        VaeModel m = new VaeModel(new VaeSpec(2, List.of(2), 1, 1, VaeSpec.GAUSSIAN, true, 0.001, 1L,
                VaeSpec.SCORE_CHAPTER, 4, 9L), withVariance);
        double[] f = forward();
        double expected = 0.5 * (Math.pow(X[0] - f[2], 2) / Math.exp(-1.0) - 1.0)
                + 0.5 * (Math.pow(X[1] - f[3], 2) / Math.exp(0.5) + 0.5);
        assertEquals(expected, m.terms(x())[0][0], 1e-5);
    }

    @Test
    void chapterScoreIsReconstructionPlusBetaTimesKl() {
        VaeModel m = model(VaeSpec.GAUSSIAN, 2.5);
        double[][] t = m.terms(x());
        assertEquals(t[0][0] + 2.5 * t[1][0], m.score(x())[0], 1e-5);
        assertEquals(forward()[0], m.latent(x()).getDouble(0, 0), 1e-5, "latent = mu");
    }

    @Test
    void scoresAreDeterministicAndSurviveSerialization() {
        VaeModel m = model(VaeSpec.BERNOULLI, 1);
        INDArray batch = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, 2);
        double[] first = m.score(batch);
        assertArrayEquals(first, m.score(batch), 0.0);
        VaeModel restored = (VaeModel) new dev.lakead.models.vae.VaeFamily().decode(m.toBytes());
        assertArrayEquals(first, restored.score(batch), 0.0);
        assertArrayEquals(PARAMS, restored.params(), 0f);

        VaeModel mc = m.withScoreMode(VaeSpec.SCORE_MC, 8, 3L);
        double[] sampled = mc.score(batch);
        assertArrayEquals(sampled, mc.score(batch), 0.0, "same seed, same scores");
        assertNotEquals(first[0], sampled[0]);
    }
}
