package dev.lakead.models.anogan;

import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/**
 * One worker's share of a GAN averaging round: for each of its mini-batches, {@code discriminatorSteps} D steps on
 * real rows against G(z) and one G step through the frozen D. Parameters are [G | D] (one flat vector, averaged by
 * the {@link dev.lakead.training.AveragingTrainer}); so is the Adam state of both networks, so that every round
 * starts every worker from the same optimiser state, wherever its partition runs.
 *
 * <p>Stabilisers (the usual ones for small GANs, see the settings under model.anogan):
 * <ul>
 *   <li>one-sided label smoothing: D's target for real rows is 1 − label-smoothing (fakes stay 0), which keeps D from
 *   becoming over-confident and G's gradient from vanishing;</li>
 *   <li>the non-saturating generator loss −log D(G(z)) (the combined network fitted with label 1) instead of
 *   log(1 − D(G(z)));</li>
 *   <li>Adam with β1 = 0.5 and LeakyReLU(0.2) in both networks (DCGAN's recipe, as in the chapter's 4.3.4);</li>
 *   <li>fresh noise for the D and the G step, from a seeded generator per worker and round.</li>
 * </ul>
 */
final class GanLocalTrainer implements LocalTrainer {
    static final String D_LOSS = "d_loss";
    static final String G_LOSS = "g_loss";

    private final AnoGanSpec spec;
    private final AnoGanNetworks.Gan gan;
    private final double[] componentSums = new double[2];

    GanLocalTrainer(AnoGanSpec spec) {
        this.spec = spec;
        this.gan = new AnoGanNetworks.Gan(spec);
    }

    @Override
    public float[] params() {
        return gan.params();
    }

    @Override
    public void setParams(float[] flat) {
        gan.setParams(flat);
    }

    /** Adam state of D then of the combined network (G's layers; D's are frozen there), each after its step count. */
    @Override
    public float[] updaterState() {
        INDArray d = state(gan.discriminator);
        INDArray g = state(gan.combined);
        float[] out = new float[2 + (int) d.length() + (int) g.length()];
        out[0] = gan.discriminator.getIterationCount();
        out[1] = gan.combined.getIterationCount();
        System.arraycopy(d.toFloatVector(), 0, out, 2, (int) d.length());
        System.arraycopy(g.toFloatVector(), 0, out, 2 + (int) d.length(), (int) g.length());
        return out;
    }

    @Override
    public void setUpdaterState(float[] flat) {
        INDArray d = state(gan.discriminator);
        INDArray g = state(gan.combined);
        if (flat.length != 2 + d.length() + g.length()) {
            throw new IllegalArgumentException("GAN updater state has " + flat.length + " values, expected "
                    + (2 + d.length() + g.length()));
        }
        gan.discriminator.setIterationCount(Math.round(flat[0]));
        gan.combined.setIterationCount(Math.round(flat[1]));
        AnoGanNetworks.copyInto(d, flat, 2);
        AnoGanNetworks.copyInto(g, flat, 2 + (int) d.length());
    }

    private static INDArray state(MultiLayerNetwork net) {
        return net.getUpdater(true).getStateViewArray();
    }

    @Override
    public List<String> lossComponents() {
        return List.of(D_LOSS, G_LOSS);
    }

    @Override
    public double[] lastComponentSums() {
        return componentSums.clone();
    }

    /** Returns the summed D + G loss (x rows); the two parts are in {@link #lastComponentSums()}. */
    @Override
    public double fit(List<MiniBatch> batches, long seed) {
        Random rng = new Random(seed);
        componentSums[0] = 0;
        componentSums[1] = 0;
        for (MiniBatch b : batches) {
            INDArray real = b.toArray();
            int n = b.rows();
            double dLoss = 0;
            for (int s = 0; s < spec.discriminatorSteps(); s++) {
                dLoss += discriminatorStep(real, noise(n, rng));
            }
            componentSums[0] += dLoss / spec.discriminatorSteps() * n;
            componentSums[1] += generatorStep(noise(n, rng)) * n;
        }
        return componentSums[0] + componentSums[1];
    }

    /** D on real rows (target 1 − smoothing) and G(z) (target 0); returns D's mean binary cross-entropy. */
    double discriminatorStep(INDArray real, INDArray z) {
        int n = (int) real.rows();
        INDArray fake = gan.generator.output(z, false);
        INDArray input = Nd4j.vstack(real, fake);
        INDArray labels = Nd4j.vstack(Nd4j.valueArrayOf(new long[]{n, 1}, 1.0f - (float) spec.labelSmoothing()),
                Nd4j.zeros(DataType.FLOAT, n, 1));
        gan.discriminator.fit(input, labels);
        return gan.discriminator.score();
    }

    /** G through the frozen D with label 1; returns −mean log D(G(z)). */
    double generatorStep(INDArray z) {
        gan.combined.fit(z, Nd4j.ones(DataType.FLOAT, z.rows(), 1));
        return gan.combined.score();
    }

    /** Mean D loss + G loss on one batch, without updating anything. */
    @Override
    public double loss(MiniBatch batch, long seed) {
        Random rng = new Random(seed);
        INDArray real = batch.toArray();
        int n = batch.rows();
        INDArray fake = gan.generator.output(noise(n, rng), false);
        INDArray input = Nd4j.vstack(real, fake);
        INDArray labels = Nd4j.vstack(Nd4j.valueArrayOf(new long[]{n, 1}, 1.0f - (float) spec.labelSmoothing()),
                Nd4j.zeros(DataType.FLOAT, n, 1));
        double d = gan.discriminator.score(new org.nd4j.linalg.dataset.DataSet(input, labels));
        double g = gan.combined.score(new org.nd4j.linalg.dataset.DataSet(noise(n, rng),
                Nd4j.ones(DataType.FLOAT, n, 1)));
        return d + g;
    }

    INDArray noise(int rows, Random rng) {
        float[] z = new float[rows * spec.latentSize()];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(z, new long[]{rows, spec.latentSize()}, 'c');
    }

    AnoGanNetworks.Gan gan() {
        return gan;
    }
}
