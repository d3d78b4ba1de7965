package dev.lakead.models.autoencoder;

import dev.lakead.models.DenseStack;
import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains the dense Autoencoder (MSE of the output against the input, Adam, L2 on the weights) by plain
 * back-propagation: per layer one {@code gemm} forward and two or three backward, into buffers kept between batches,
 * and one Adam op over the whole flat gradient, in place. It reproduces DL4J's {@code MultiLayerNetwork.fit} step
 * (the same loss scaling, division by the batch, L2 before the updater and native Adam op), so the parameters are
 * DL4J's flat vector ({@link DenseStack} says where each W and b lies) and go back into an ordinary network.
 *
 * <p>Why: DL4J's fit allocates every activation, gradient and re-ordered product per iteration, and its Spark
 * training master rebuilds the network every round; this trainer lives in the executor between rounds
 * ({@link dev.lakead.training.AveragingTrainer}) with its Adam state. Only ND4J ops, so it runs on every backend.
 * Not thread-safe: one per Spark task.
 */
final class DenseAutoencoderTrainer implements LocalTrainer {
    private final DenseStack stack;
    private final DenseStack.Optimiser optimiser;
    private final INDArray params;   // [1, P], DL4J's layout
    private final INDArray gradient; // same layout; Adam turns it into the update in place
    private final INDArray adamM;
    private final INDArray adamV;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray[] weightGradients;
    private final INDArray[] biasGradients;
    private final INDArray[] flatWeights;          // W as a vector, for L2
    private final INDArray[] flatWeightGradients;
    private final Map<Integer, Buffers> buffers = new HashMap<>(); // by batch rows: full batches and a last one
    private int iteration;
    /** Steps between flushes of tiny Adam moments: β1 = 0.9 takes m from 1e-30 to subnormal in ~170 steps. */
    private static final int FLUSH_EVERY = 32;
    private static final double TINY_MOMENT = 1e-30;

    private DenseAutoencoderTrainer(DenseStack stack, DenseStack.Optimiser optimiser) {
        this.stack = stack;
        this.optimiser = optimiser;
        long p = stack.parameterCount();
        params = Nd4j.zeros(DataType.FLOAT, 1, p);
        gradient = Nd4j.zeros(DataType.FLOAT, 1, p);
        adamM = Nd4j.zeros(DataType.FLOAT, 1, p);
        adamV = Nd4j.zeros(DataType.FLOAT, 1, p);
        int n = stack.layers();
        weights = new INDArray[n];
        biases = new INDArray[n];
        weightGradients = new INDArray[n];
        biasGradients = new INDArray[n];
        flatWeights = new INDArray[n];
        flatWeightGradients = new INDArray[n];
        for (int i = 0; i < n; i++) {
            flatWeights[i] = segment(params, stack.weightOffset(i), stack.biasOffset(i));
            flatWeightGradients[i] = segment(gradient, stack.weightOffset(i), stack.biasOffset(i));
            weights[i] = flatWeights[i].reshape('f', stack.inputs()[i], stack.outputs()[i]);
            weightGradients[i] = flatWeightGradients[i].reshape('f', stack.inputs()[i], stack.outputs()[i]);
            biases[i] = segment(params, stack.biasOffset(i), stack.biasOffset(i) + stack.outputs()[i]);
            biasGradients[i] = segment(gradient, stack.biasOffset(i), stack.biasOffset(i) + stack.outputs()[i]);
        }
    }

    /** A [1, to - from] view of {@code flat}, as DL4J's parameter initialisers take them. */
    private static INDArray segment(INDArray flat, long from, long to) {
        return flat.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(from, to));
    }

    /**
     * The trainer for an Autoencoder configuration, or empty when its training is more than this trainer does:
     * layers other than float dense ones, a loss other than MSE, an optimiser other than Adam with L2.
     */
    static Optional<DenseAutoencoderTrainer> of(MultiLayerConfiguration conf) {
        int last = conf.getConfs().size() - 1;
        if (last < 0 || !(conf.getConf(last).getLayer() instanceof OutputLayer out)
                || !(out.getLossFn() instanceof LossMSE mse) || mse.getWeights() != null) {
            return Optional.empty();
        }
        return DenseStack.of(conf).flatMap(stack -> DenseStack.optimiser(conf)
                .map(opt -> new DenseAutoencoderTrainer(stack, opt)));
    }

    /** Per batch size: the input, each layer's pre-activation, activation and gradient, and a row of ones. */
    private static final class Buffers {
        final INDArray input;
        final INDArray[] pre;
        final INDArray[] act;
        final INDArray[] delta;
        final INDArray ones;

        Buffers(DenseStack stack, int rows) {
            int n = stack.layers();
            input = Nd4j.createUninitialized(DataType.FLOAT, new long[]{rows, stack.inputs()[0]}, 'c');
            pre = new INDArray[n];
            act = new INDArray[n];
            delta = new INDArray[n];
            for (int i = 0; i < n; i++) {
                long[] shape = {rows, stack.outputs()[i]};
                pre[i] = Nd4j.createUninitialized(DataType.FLOAT, shape, 'f');
                // an identity layer's activation is its pre-activation
                act[i] = stack.activations()[i] instanceof ActivationIdentity ? pre[i]
                        : Nd4j.createUninitialized(DataType.FLOAT, shape, 'f');
                delta[i] = Nd4j.createUninitialized(DataType.FLOAT, shape, 'f');
            }
            ones = Nd4j.ones(DataType.FLOAT, 1, rows);
        }
    }

    private Buffers buffers(MiniBatch batch) {
        Buffers b = buffers.computeIfAbsent(batch.rows(), rows -> new Buffers(stack, rows));
        b.input.data().setData(batch.data());
        return b;
    }

    /** Adam's first and second moments, [1, parameters] each (for tests). */
    INDArray[] moments() {
        return new INDArray[]{adamM, adamV};
    }

    /** Layer {@code i}'s W [in, out], a view of the flat parameters (for tests of the layout). */
    INDArray weights(int i) {
        return weights[i];
    }

    INDArray biases(int i) {
        return biases[i];
    }

    @Override
    public float[] params() {
        return params.data().asFloat();
    }

    @Override
    public void setParams(float[] flat) {
        params.data().setData(flat);
    }

    @Override
    public double fit(List<MiniBatch> batches, long seed) {
        double sum = 0;
        for (MiniBatch batch : batches) {
            sum += step(batch) * batch.rows();
        }
        return sum;
    }

    @Override
    public double loss(MiniBatch batch, long seed) {
        Buffers b = buffers(batch);
        forward(b);
        return outputError(b, batch.rows()) + l2Score();
    }

    /** One Adam step on one batch; returns its loss before the step, as DL4J's {@code score()} after a fit. */
    double step(MiniBatch batch) {
        Buffers b = buffers(batch);
        forward(b);
        int rows = batch.rows();
        double loss = outputError(b, rows) + l2Score();
        int last = stack.layers() - 1;
        // DL4J's MSE gradient 2 (out - x) / width, divided by the batch as its updater does
        b.delta[last].muli(2.0 / ((double) rows * stack.outputs()[last]));
        for (int i = last; i >= 0; i--) {
            INDArray dz = backpropActivation(stack.activations()[i], b.pre[i], b.delta[i]);
            INDArray in = i == 0 ? b.input : b.act[i - 1];
            Nd4j.gemm(in, dz, weightGradients[i], true, false, 1.0, 0.0);
            Nd4j.gemm(b.ones, dz, biasGradients[i], false, false, 1.0, 0.0);
            if (i > 0) {
                Nd4j.gemm(dz, weights[i], b.delta[i - 1], false, true, 1.0, 0.0);
            }
        }
        if (optimiser.l2() > 0) { // DL4J's L2Regularization: before the updater, on the weights only
            for (int i = 0; i <= last; i++) {
                Nd4j.exec(new Axpy(flatWeights[i], flatWeightGradients[i], flatWeightGradients[i], optimiser.l2()));
            }
        }
        Nd4j.exec(new AdamUpdater(gradient, adamV, adamM, optimiser.learningRate(), optimiser.beta1(),
                optimiser.beta2(), optimiser.epsilon(), iteration));
        params.subi(gradient);
        iteration++;
        if (iteration % FLUSH_EVERY == 0) {
            flushTinyMoments();
        }
        return loss;
    }

    /**
     * Adam's moments of a parameter whose gradient has become zero (a dead ReLU unit's weights) decay geometrically
     * (the first by β1 = 0.9 a step) into float's subnormal range within a thousand steps, where every arithmetic
     * operation on them takes a slow microcode path: training slowed 3-4x from about the 700th step on (bench/README,
     * perf.sh). Moments below 1e-30 are set to zero: the update they give, lr · m / (√v + ε) with ε = 1e-8, is
     * below lr · 1e-22, and a √v below 1e-15 is nothing beside ε.
     */
    void flushTinyMoments() {
        BooleanIndexing.replaceWhere(adamM, 0.0, Conditions.absLessThan(TINY_MOMENT));
        BooleanIndexing.replaceWhere(adamV, 0.0, Conditions.absLessThan(TINY_MOMENT));
    }

    private void forward(Buffers b) {
        INDArray in = b.input;
        for (int i = 0; i < stack.layers(); i++) {
            Nd4j.gemm(in, weights[i], b.pre[i], false, false, 1.0, 0.0);
            b.pre[i].addiRowVector(biases[i]);
            if (b.act[i] != b.pre[i]) {
                b.act[i].assign(b.pre[i]);
                stack.activations()[i].getActivation(b.act[i], true);
            }
            in = b.act[i];
        }
    }

    /** Leaves out - x in the last delta buffer; returns the mean over rows of the mean squared error. */
    private double outputError(Buffers b, int rows) {
        int last = stack.layers() - 1;
        Nd4j.exec(new SubOp(b.act[last], b.input, b.delta[last]));
        double norm = b.delta[last].norm2Number().doubleValue();
        return norm * norm / ((double) rows * stack.outputs()[last]);
    }

    /** DL4J's L2 score term: ½ λ Σ W². */
    private double l2Score() {
        if (optimiser.l2() <= 0) {
            return 0;
        }
        double sum = 0;
        for (INDArray w : flatWeights) {
            double norm = w.norm2Number().doubleValue();
            sum += norm * norm;
        }
        return 0.5 * optimiser.l2() * sum;
    }

    /**
     * dL/dz from dL/da, in the pre-activation's buffer where the activation allows: a plain ReLU through the same
     * op DL4J uses (DL4J's own backprop allocates its result), an identity passes the gradient through.
     */
    private static INDArray backpropActivation(IActivation a, INDArray pre, INDArray delta) {
        if (a instanceof ActivationIdentity) {
            return delta;
        }
        if (a instanceof ActivationReLU relu && relu.getMax() == null && relu.getThreshold() == null
                && relu.getNegativeSlope() == null) {
            Nd4j.exec(new RectifiedLinearDerivative(pre, delta, pre, 0.0));
            return pre;
        }
        return a.backprop(pre, delta).getFirst();
    }
}
