package dev.lakead.models.anogan;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Random;

/**
 * AnoGAN's score (4.3.2) and latent search (4.3.3) for a whole batch at once. For rows x and codes z:
 * <pre>
 *   A(x, z) = (1 − λ)·L_R + λ·L_D,   L_R = ‖x − G(z)‖₁ / d,   L_D = ‖f(x) − f(G(z))‖₁ / m
 * </pre>
 * (d = input width, m = width of D's feature layer: the norms divided by the widths, as the chapter's code does with
 * torch.mean, so that λ weighs two terms of comparable scale). The search minimises A(x, z) over z with Adam, starting
 * from a standard normal z per row: every iteration is one forward and one backward pass of G and of D's feature
 * layers for the whole batch. Each row's objective depends only on its own z and Adam works element-wise, so the
 * rows are independent problems solved together; the starting z of a row is drawn from a generator seeded by the
 * seed and the row's values, so a row gets the same score whatever batch or partition it lands in.
 */
final class LatentSearch {
    private static final String WORKSPACE_ID = "LAKEAD_ANOGAN_SEARCH";
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.2).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyMirroring(MirroringPolicy.FULL)
            .policySpill(SpillPolicy.REALLOCATE).build();

    private final AnoGanSpec spec;
    private final DenseStack generator;
    private final DenseStack features;

    LatentSearch(AnoGanSpec spec, DenseStack generator, DenseStack features) {
        this.spec = spec;
        this.generator = generator;
        this.features = features;
    }

    /** The codes found for a batch, with the two terms of the score and the score at those codes. */
    record Result(INDArray z, double[] residual, double[] discrimination, double[] scores) {
    }

    /** Runs {@code iterations} Adam steps from the rows' seeded starting codes and scores at the final codes. */
    Result search(INDArray rows, int iterations) {
        INDArray x = rows.castTo(DataType.FLOAT);
        INDArray fx = features.forward(x);
        INDArray z = initialCodes(x);
        long n = x.rows() * spec.latentSize();
        GradientUpdater<?> adam = new Adam(new CosineDecay(spec.searchLearningRate(), iterations))
                .instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
        double wR = (1 - spec.lambda()) / spec.inputSize();
        double wD = spec.lambda() / spec.featureSize();
        for (int t = 0; t < iterations; t++) {
            // every temporary of an iteration lives in a workspace that the next iteration reuses
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
                INDArray grad = gradient(x, fx, z, wR, wD);
                adam.applyUpdater(grad, t, 0);
                z.subi(grad);
            }
        }
        return evaluate(x, fx, z);
    }

    /**
     * dA(x, z)/dz for every row (row i of the result is the gradient of row i's own objective, not of a batch mean):
     * one forward and one backward pass through G and D's feature layers.
     */
    INDArray gradient(INDArray x, INDArray fx, INDArray z) {
        return gradient(x, fx, z, (1 - spec.lambda()) / spec.inputSize(), spec.lambda() / spec.featureSize());
    }

    private INDArray gradient(INDArray x, INDArray fx, INDArray z, double wR, double wD) {
        DenseStack.Pass gz = generator.forwardPass(z);
        DenseStack.Pass fgz = features.forwardPass(gz.output());
        // d/dG(z): the residual term directly, the feature term back through D's feature layers
        INDArray dFeatures = Transforms.sign(fgz.output().subi(fx), false).muli(wD);
        INDArray dGenerated = features.backward(fgz, dFeatures)
                .addi(Transforms.sign(gz.output().subi(x), false).muli(wR));
        return generator.backward(gz, dGenerated).dup('c');
    }

    /** The score terms at given codes. */
    Result evaluate(INDArray rows, INDArray z) {
        INDArray x = rows.castTo(DataType.FLOAT);
        return evaluate(x, features.forward(x), z);
    }

    private Result evaluate(INDArray x, INDArray fx, INDArray z) {
        INDArray gz = generator.forward(z);
        INDArray fgz = features.forward(gz);
        double[] residual = Transforms.abs(gz.subi(x), false).mean(1).toDoubleVector();
        double[] discrimination = Transforms.abs(fgz.subi(fx), false).mean(1).toDoubleVector();
        double[] scores = new double[residual.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (1 - spec.lambda()) * residual[i] + spec.lambda() * discrimination[i];
        }
        return new Result(z, residual, discrimination, scores);
    }

    /** A standard normal starting code per row, from a generator seeded by the seed and the row's values. */
    INDArray initialCodes(INDArray x) {
        int rows = (int) x.rows();
        int width = (int) x.columns();
        float[] values = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] z = new float[rows * spec.latentSize()];
        for (int r = 0; r < rows; r++) {
            long h = spec.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
            for (int j = 0; j < width; j++) {
                h = mix(h ^ Float.floatToIntBits(values[r * width + j]));
            }
            Random rng = new Random(h);
            for (int k = 0; k < spec.latentSize(); k++) {
                z[r * spec.latentSize() + k] = (float) rng.nextGaussian();
            }
        }
        return Nd4j.create(z, new long[]{rows, spec.latentSize()}, 'c');
    }

    /**
     * The search's learning rate: cosine decay from the configured rate to zero over the n iterations. The large early
     * steps cross the latent space quickly; the small late ones settle in the minimum instead of circling it (the L1
     * gradient's size does not shrink near the minimum), which also makes the final score insensitive to rounding
     * differences between batches of different sizes.
     */
    static final class CosineDecay implements ISchedule {
        private final double initial;
        private final int iterations;

        CosineDecay(double initial, int iterations) {
            this.initial = initial;
            this.iterations = Math.max(1, iterations);
        }

        @Override
        public double valueAt(int iteration, int epoch) {
            return initial * 0.5 * (1 + Math.cos(Math.PI * Math.min(iteration, iterations) / iterations));
        }

        @Override
        public ISchedule clone() {
            return new CosineDecay(initial, iterations);
        }
    }

    /** SplitMix64's finaliser: spreads every input bit over the whole hash. */
    private static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
