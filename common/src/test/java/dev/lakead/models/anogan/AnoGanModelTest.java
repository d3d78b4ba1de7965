package dev.lakead.models.anogan;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.training.MiniBatch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score formula, the latent search and the encoder on small networks, without Spark. */
class AnoGanModelTest {

    private static AnoGanSpec spec(int input, int latent, List<Integer> g, List<Integer> d, List<Integer> e,
                                   double lambda, int iterations, double lr, String mode) {
        return new AnoGanSpec(input, latent, g, d, e, AnoGanSpec.IDENTITY, 0.001, 0.5, 0.1, 1, lambda, iterations, lr,
                mode, 5, 0.001, 42L);
    }

    /**
     * d = 2, latent 1, one hidden layer each, in DL4J's flat layout (per layer W [nIn, nOut] column-major, then b):
     * G: z -> LReLU(z·[1, -2]) -> ·I + [0.1, 0];  f: x -> LReLU(x·[[1, 1], [1, -1]]);  E(x) = 0.5 for every x.
     */
    private static AnoGanModel tiny(String mode) {
        AnoGanSpec spec = spec(2, 1, List.of(2), List.of(2), List.of(1), 0.1, 10, 0.01, mode);
        float[] g = {1, -2, 0, 0, /* W2 = I */ 1, 0, 0, 1, /* b2 */ 0.1f, 0};
        float[] d = {1, 1, 1, -1, 0, 0, /* output unit */ 0, 0, 0};
        float[] e = {0, 0, 0, /* -> z */ 0, 0.5f};
        return new AnoGanModel(spec, g, d, e);
    }

    @Test
    void scoreMatchesTheChapterFormulaComputedByHand() {
        AnoGanModel m = tiny(AnoGanSpec.ENCODER);
        // z = E(x) = 0.5: G hidden = LReLU([0.5, -1]) = [0.5, -0.2], G(z) = [0.6, -0.2], f(G(z)) = LReLU([0.4, 0.8])
        assertArrayEquals(new float[]{0.6f, -0.2f}, m.generate(Nd4j.create(new float[]{0.5f}, 1, 1)).toFloatVector(),
                1e-6f);
        INDArray x = Nd4j.create(new float[]{1, 0, 0, 1}, new long[]{2, 2}, 'c');
        // x1 = [1, 0]: f(x1) = [1, 1];    L_R = (0.4 + 0.2) / 2 = 0.3, L_D = (0.6 + 0.2) / 2 = 0.4
        // x2 = [0, 1]: f(x2) = [1, -0.2]; L_R = (0.6 + 1.2) / 2 = 0.9, L_D = (0.6 + 1.0) / 2 = 0.8
        double[][] terms = m.scoreTerms(x);
        assertArrayEquals(new double[]{0.3, 0.9}, terms[0], 1e-6);
        assertArrayEquals(new double[]{0.4, 0.8}, terms[1], 1e-6);
        // A = (1 - 0.1) * L_R + 0.1 * L_D
        assertArrayEquals(new double[]{0.31, 0.89}, m.score(x), 1e-6);
        assertArrayEquals(new float[]{0.5f, 0.5f}, m.latent(x).toFloatVector(), 1e-6f);
    }

    @Test
    void theGradientWithRespectToZMatchesFiniteDifferences() {
        AnoGanSpec spec = spec(5, 3, List.of(8, 6), List.of(7, 4), List.of(6), 0.3, 10, 0.01, AnoGanSpec.SEARCH);
        AnoGanModel m = randomModel(spec, 3);
        Random r = new Random(4);
        INDArray x = gaussian(r, 6, 5);
        INDArray z = gaussian(r, 6, 3);
        LatentSearch search = m.latentSearch();
        double[][] grad = search.gradient(x, m.features(x), z).toDoubleMatrix();
        double h = 1e-3;
        for (int row = 0; row < 6; row++) {
            for (int k = 0; k < 3; k++) {
                INDArray plus = z.dup();
                plus.putScalar(row, k, plus.getDouble(row, k) + h);
                INDArray minus = z.dup();
                minus.putScalar(row, k, minus.getDouble(row, k) - h);
                double numeric = (search.evaluate(x, plus).scores()[row] - search.evaluate(x, minus).scores()[row])
                        / (2 * h);
                assertEquals(numeric, grad[row][k], 2e-3, "dA/dz[" + row + "][" + k + "]");
            }
        }
    }

    @Test
    void theLatentSearchFindsCodesThatReconstructPointsOfTheGenerator() {
        AnoGanSpec spec = spec(6, 2, List.of(16, 16), List.of(16, 8), List.of(8), 0.1, 300, 0.05,
                AnoGanSpec.SEARCH);
        AnoGanModel m = randomModel(spec, 7);
        // rows that G can produce exactly: G(z_true) for random codes
        INDArray x = m.generate(gaussian(new Random(8), 64, 2));
        LatentSearch search = m.latentSearch();
        LatentSearch.Result start = search.evaluate(x, search.initialCodes(x));
        LatentSearch.Result found = search.search(x, spec.searchIterations());
        double before = Arrays.stream(start.residual()).average().orElseThrow();
        double after = Arrays.stream(found.residual()).average().orElseThrow();
        assertTrue(after < 0.1 * before, "mean residual " + before + " -> " + after);
        int better = 0;
        for (int i = 0; i < 64; i++) {
            if (found.scores()[i] < start.scores()[i]) {
                better++;
            }
        }
        assertTrue(better >= 60, "the objective fell for " + better + " of 64 rows");
        // more iterations, lower residual
        double shortRun = Arrays.stream(search.search(x, 30).residual()).average().orElseThrow();
        assertTrue(after < shortRun, "300 iterations " + after + " vs 30 iterations " + shortRun);
    }

    @Test
    void searchScoresAreDeterministicAndIndependentOfTheBatch() {
        AnoGanSpec spec = spec(4, 2, List.of(8), List.of(8, 4), List.of(8), 0.1, 50, 0.05, AnoGanSpec.SEARCH);
        AnoGanModel m = randomModel(spec, 11);
        INDArray x = gaussian(new Random(12), 20, 4);
        double[] all = m.score(x);
        assertArrayEquals(all, ((AnoGanModel) m.copy()).score(x), 0.0, "a rerun gives the same scores");
        // the latent export right after scoring a batch hands out that search's codes (no second search)
        assertEquals(m.latentSearch().search(x, 50).z(), m.latent(x));
        // the same rows in another batch: the last 5 rows alone, and in reverse order
        INDArray last = x.get(NDArrayIndex.interval(15, 20), NDArrayIndex.all()).dup();
        double[] alone = m.score(last);
        for (int i = 0; i < 5; i++) {
            assertEquals(all[15 + i], alone[i], 1e-5 * Math.max(1, Math.abs(alone[i])));
        }
        INDArray reversed = Nd4j.vstack(x.getRow(19, true), x.getRow(18, true), x.getRow(17, true));
        double[] rev = m.score(reversed);
        assertEquals(all[19], rev[0], 1e-5);
        assertEquals(all[17], rev[2], 1e-5);
        // another seed starts from other codes
        AnoGanSpec other = new AnoGanSpec(4, 2, List.of(8), List.of(8, 4), List.of(8), AnoGanSpec.IDENTITY, 0.001,
                0.5, 0.1, 1, 0.1, 50, 0.05, AnoGanSpec.SEARCH, 5, 0.001, 43L);
        assertNotEquals(m.latentSearch().initialCodes(x), new LatentSearch(other, null, null).initialCodes(x));
    }

    @Test
    void serializationKeepsScoresAndBothModes() {
        AnoGanModel m = tiny(AnoGanSpec.SEARCH);
        AnoGanModel back = AnoGanModel.fromBytes(m.toBytes());
        INDArray x = Nd4j.create(new float[]{1, 0, 0, 1, 0.5f, 0.5f}, new long[]{3, 2}, 'c');
        assertArrayEquals(m.score(x), back.score(x), 0.0);
        assertEquals(List.of(AnoGanSpec.SEARCH, AnoGanSpec.ENCODER), back.scoreModes());
        assertEquals(AnoGanSpec.SEARCH, back.scoreMode());
        assertArrayEquals(new double[]{0.31, 0.89}, back.withScoreMode("ENCODER").score(x.getRows(0, 1)), 1e-6);
        assertEquals(m.spec(), back.spec());

        LakeadException corrupt = assertThrows(LakeadException.class,
                () -> AnoGanModel.fromBytes(Arrays.copyOf(m.toBytes(), 40)));
        assertTrue(corrupt.getMessage().startsWith("The AnoGAN network is corrupt"), corrupt.getMessage());
        assertThrows(LakeadException.class, () -> AnoGanModel.fromBytes(new byte[]{1, 2, 3, 4, 5}));
    }

    @Test
    void encoderModeNeedsAnEncoder() {
        AnoGanSpec spec = spec(2, 1, List.of(2), List.of(2), List.of(1), 0.1, 10, 0.01, AnoGanSpec.SEARCH);
        AnoGanModel noEncoder = new AnoGanModel(spec, tiny(AnoGanSpec.SEARCH).generatorParams(),
                tiny(AnoGanSpec.SEARCH).discriminatorParams(), null);
        assertEquals(List.of(AnoGanSpec.SEARCH), noEncoder.scoreModes());
        LakeadException e = assertThrows(LakeadException.class, () -> noEncoder.withScoreMode("encoder"));
        assertEquals("Score mode 'encoder' needs an encoder, but this AnoGAN has none (trained with"
                + " model.anogan.encoder-epochs = 0)", e.getMessage());
        LakeadException bad = assertThrows(LakeadException.class, () -> noEncoder.withScoreMode("chapter"));
        assertEquals("An anogan model scores with search or encoder, not 'chapter'", bad.getMessage());
    }

    @Test
    void settingsBuildTheSpecAndRejectBadValues() {
        AnoGanSpec s = AnoGanSpec.from(Settings.defaults(), 9, "standard");
        assertEquals(3, s.latentSize());
        assertEquals(List.of(32, 64), s.generatorSizes());
        assertEquals(List.of(64, 32), s.discriminatorSizes());
        assertEquals(AnoGanSpec.IDENTITY, s.outputActivation());
        assertEquals(AnoGanSpec.SIGMOID, AnoGanSpec.from(Settings.defaults(), 9, "minmax").outputActivation());
        assertEquals(s, AnoGanSpec.fromJson(s.toJson()));

        LakeadException e = assertThrows(LakeadException.class, () -> AnoGanSpec.from(
                Settings.defaults().with("model.anogan.score", "encoder", "model.anogan.encoder-epochs", "0"), 9,
                "standard"));
        assertEquals("Setting 'model.anogan.score' is encoder but 'model.anogan.encoder-epochs' is 0: encoder scoring"
                + " needs a trained encoder", e.getMessage());
        e = assertThrows(LakeadException.class, () -> AnoGanSpec.from(
                Settings.defaults().with("model.anogan.lambda", "1.5"), 9, "standard"));
        assertEquals("Setting 'model.anogan.lambda' must be in [0, 1], got 1.5", e.getMessage());
        e = assertThrows(LakeadException.class, () -> AnoGanSpec.from(
                Settings.defaults().with("model.anogan.score", "fast"), 9, "standard"));
        assertEquals("Setting 'model.anogan.score' must be one of search, encoder, got 'fast'", e.getMessage());
    }

    @Test
    void denseStackAgreesWithTheDl4jNetworks() {
        AnoGanSpec spec = spec(5, 3, List.of(8, 6), List.of(7, 4), List.of(6), 0.1, 10, 0.01, AnoGanSpec.SEARCH);
        GanLocalTrainer trainer = new GanLocalTrainer(spec);
        float[] p = trainer.params();
        AnoGanModel m = new AnoGanModel(spec, Arrays.copyOfRange(p, 0, spec.generatorParams()),
                Arrays.copyOfRange(p, spec.generatorParams(), p.length), null);
        Random r = new Random(2);
        INDArray z = gaussian(r, 4, 3);
        assertArrayEquals(trainer.gan().generator.output(z).ravel().toFloatVector(), m.generate(z).ravel().toFloatVector(),
                1e-5f);
        INDArray x = gaussian(r, 4, 5);
        List<INDArray> acts = trainer.gan().discriminator.feedForward(x, false);
        assertArrayEquals(acts.get(spec.discriminatorSizes().size()).ravel().toFloatVector(),
                m.features(x).ravel().toFloatVector(),
                1e-5f);
    }

    @Test
    void ganStepsShareOneParameterBufferAndMoveBothNetworks() {
        AnoGanSpec spec = spec(4, 2, List.of(8), List.of(8, 4), List.of(8), 0.1, 10, 0.01, AnoGanSpec.SEARCH);
        GanLocalTrainer trainer = new GanLocalTrainer(spec);
        float[] before = trainer.params();
        Random r = new Random(3);
        List<MiniBatch> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            batches.add(new MiniBatch(gaussian(r, 16, 4).data().asFloat(), 16, 4));
        }
        double loss = trainer.fit(batches, 9L);
        float[] after = trainer.params();
        int nG = spec.generatorParams();
        assertFalse(Arrays.equals(Arrays.copyOfRange(before, 0, nG), Arrays.copyOfRange(after, 0, nG)), "G moved");
        assertFalse(Arrays.equals(Arrays.copyOfRange(before, nG, before.length),
                Arrays.copyOfRange(after, nG, after.length)), "D moved");
        // the G network is a view of the combined network's first part, D of the rest
        assertArrayEquals(Arrays.copyOfRange(after, 0, nG), trainer.gan().generator.params().toFloatVector(), 0f);
        assertArrayEquals(Arrays.copyOfRange(after, nG, after.length),
                trainer.gan().discriminator.params().toFloatVector(), 0f);
        double[] parts = trainer.lastComponentSums();
        assertEquals(loss, parts[0] + parts[1], 1e-9);
        assertTrue(parts[0] > 0 && parts[1] > 0);
        // updater state round trip: 2 step counts + Adam state of D and of G
        float[] state = trainer.updaterState();
        assertEquals(3, state[0], 0f);
        assertEquals(3, state[1], 0f);
        GanLocalTrainer other = new GanLocalTrainer(spec);
        other.setUpdaterState(state);
        assertArrayEquals(state, other.updaterState(), 0f);
    }

    /** A model with random parameters (an untrained GAN and encoder). */
    private static AnoGanModel randomModel(AnoGanSpec spec, long seed) {
        Random r = new Random(seed);
        return new AnoGanModel(spec, random(r, spec.generatorParams(), 0.6), random(r, spec.discriminatorParams(), 0.6),
                random(r, spec.encoderParams(), 0.6));
    }

    private static float[] random(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static INDArray gaussian(Random r, int rows, int cols) {
        return Nd4j.create(random(r, rows * cols, 1.0), new long[]{rows, cols}, 'c');
    }
}
