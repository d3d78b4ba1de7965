package dev.lakead.models.autoencoder;

import dev.lakead.models.DenseStack;
import dev.lakead.models.FastSigmoid;
import dev.lakead.models.FlatAdam;
import dev.lakead.models.PreparedOp;
import dev.lakead.models.SquaredError;
import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.OneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains the dense Autoencoder (MSE of the output against the input, Adam, L2 on the weights) by plain
 * back-propagation: per layer one {@code gemm} forward and two or three backward, into buffers kept between batches,
 * and one Adam step over the whole flat gradient, in place ({@link FlatAdam}). It reproduces DL4J's
 * {@code MultiLayerNetwork.fit} step (the same loss scaling, division by the batch, L2 before the updater, DL4J's
 * Adam), so the parameters are DL4J's flat vector ({@link DenseStack} says where each W and b lies) and go back into
 * an ordinary network.
 *
 * <p>Why: DL4J's fit allocates every activation, gradient and re-ordered product per iteration, and its Spark
 * training master rebuilds the network every round; this trainer lives in the executor between rounds
 * ({@link dev.lakead.training.AveragingTrainer}) with its Adam state. ND4J ops (and, on the CPU backend, a Java loop
 * for Adam), so it runs on every backend. Not thread-safe: one per Spark task.
 */
final class DenseAutoencoderTrainer implements LocalTrainer {
    private final DenseStack stack;
    private final DenseStack.Optimiser optimiser;
    private final INDArray params;   // [1, P], DL4J's layout
    private final INDArray gradient; // same layout; Adam turns it into the update in place
    private final FlatAdam adam;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray[] weightGradients;
    private final INDArray[] biasGradients;
    private final INDArray[] flatWeights;          // W as a vector, for L2
    private final INDArray[] flatWeightGradients;
    private final Map<Integer, Buffers> buffers = new HashMap<>(); // by batch rows: full batches and a last one
    // a sigmoid output layer on the CPU: its activation, error and derivative in one Java pass (FastSigmoid)
    private final boolean sigmoidOutputInJava;

    private DenseAutoencoderTrainer(DenseStack stack, DenseStack.Optimiser optimiser) {
        this.stack = stack;
        this.optimiser = optimiser;
        long p = stack.parameterCount();
        params = Nd4j.zeros(DataType.FLOAT, 1, p);
        gradient = Nd4j.zeros(DataType.FLOAT, 1, p);
        adam = FlatAdam.of(optimiser, params, gradient);
        int n = stack.layers();
        sigmoidOutputInJava = stack.activations()[n - 1] instanceof ActivationSigmoid && Nd4j.getEnvironment().isCPU();
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

    /**
     * Per batch size: the input, each layer's pre-activation, activation and gradient, a row of ones, and the ops of
     * a step over them, built once ({@link PreparedOp}: an op call built per step cost 5-15 µs and garbage).
     */
    private final class Buffers {
        final INDArray input;
        final INDArray[] pre;
        final INDArray[] act;
        final INDArray[] delta;
        final INDArray ones;
        final float[] gradientHost; // the output layer's pre-activation, then its dL/dz (Java output pass)
        final float[] outputHost;   // its activation (Java output pass)
        final Runnable[] forward;
        final Runnable[] backward;
        final Runnable outputError; // out - x into the last delta (without the Java output pass)

        Buffers(int rows) {
            int n = stack.layers();
            input = Nd4j.createUninitialized(DataType.FLOAT, new long[]{rows, stack.inputs()[0]}, 'c');
            pre = new INDArray[n];
            act = new INDArray[n];
            delta = new INDArray[n];
            for (int i = 0; i < n; i++) {
                long[] shape = {rows, stack.outputs()[i]};
                // the output layer in the input's row-major order: out - x over two orders took 10x as long
                char order = i == n - 1 ? 'c' : 'f';
                pre[i] = Nd4j.createUninitialized(DataType.FLOAT, shape, order);
                // an identity layer's activation is its pre-activation; so is the Java output pass's buffer (its
                // activation lives on the heap)
                act[i] = stack.activations()[i] instanceof ActivationIdentity
                        || (i == n - 1 && sigmoidOutputInJava) ? pre[i]
                        : Nd4j.createUninitialized(DataType.FLOAT, shape, order);
                delta[i] = Nd4j.createUninitialized(DataType.FLOAT, shape, order);
            }
            ones = Nd4j.ones(DataType.FLOAT, 1, rows);
            int outputs = sigmoidOutputInJava ? rows * stack.outputs()[n - 1] : 0;
            gradientHost = new float[outputs];
            outputHost = new float[outputs];
            forward = forwardOps();
            backward = backwardOps(rows);
            outputError = sigmoidOutputInJava ? null : PreparedOp.of(new SubOp(act[n - 1], input, delta[n - 1]));
        }

        private Runnable[] forwardOps() {
            List<Runnable> ops = new ArrayList<>();
            INDArray in = input;
            for (int i = 0; i < stack.layers(); i++) {
                // the bias first, as a rank-1 product (1 per row times b): cheaper than a broadcast add after
                ops.add(PreparedOp.gemm(ones, biases[i], pre[i], true, false, 1.0, 0.0));
                ops.add(PreparedOp.gemm(in, weights[i], pre[i], false, false, 1.0, 1.0));
                if (act[i] != pre[i]) {
                    ops.add(stack.activation(i, pre[i], act[i]));
                }
                in = act[i];
            }
            return ops.toArray(Runnable[]::new);
        }

        private Runnable[] backwardOps(int rows) {
            List<Runnable> ops = new ArrayList<>();
            int last = stack.layers() - 1;
            // DL4J's MSE gradient 2 (out - x) / width, divided by the batch as its updater does: the factor rides on
            // the output layer's products (gemm's alpha) rather than a pass of its own over the widest buffer
            double outputScale = 2.0 / ((double) rows * stack.outputs()[last]);
            for (int i = last; i >= 0; i--) {
                INDArray dz = i == last && sigmoidOutputInJava ? pre[i] // outputError left dL/dz there
                        : backpropActivation(stack.activations()[i], pre[i], act[i], delta[i], ops);
                INDArray in = i == 0 ? input : act[i - 1];
                double alpha = i == last ? outputScale : 1.0;
                ops.add(PreparedOp.gemm(in, dz, weightGradients[i], true, false, alpha, 0.0));
                ops.add(PreparedOp.gemm(ones, dz, biasGradients[i], false, false, alpha, 0.0));
                if (i > 0) {
                    ops.add(PreparedOp.gemm(dz, weights[i], delta[i - 1], false, true, alpha, 0.0));
                }
            }
            if (optimiser.l2() > 0) { // DL4J's L2Regularization: before the updater, on the weights only
                for (int i = 0; i <= last; i++) {
                    ops.add(PreparedOp.of(new Axpy(flatWeights[i], flatWeightGradients[i], flatWeightGradients[i],
                            optimiser.l2())));
                }
            }
            return ops.toArray(Runnable[]::new);
        }
    }

    private Buffers buffers(MiniBatch batch) {
        Buffers b = buffers.computeIfAbsent(batch.rows(), Buffers::new);
        b.input.data().asNioFloat().put(0, batch.data()); // a bulk copy (DataBuffer.setData went value by value)
        return b;
    }

    /** Layer {@code i}'s W [in, out], a view of the flat parameters (for tests of the layout). */
    INDArray weights(int i) {
        return weights[i];
    }

    INDArray biases(int i) {
        return biases[i];
    }

    @Override
    public float[] params() { // bulk copies: DataBuffer.asFloat and setData go value by value
        float[] out = new float[(int) params.length()];
        params.data().asNioFloat().get(0, out);
        return out;
    }

    @Override
    public void setParams(float[] flat) {
        params.data().asNioFloat().put(0, flat);
        adam.paramsReplaced();
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
        return outputError(b, batch) + l2Score();
    }

    /** One Adam step on one batch; returns its loss before the step, as DL4J's {@code score()} after a fit. */
    double step(MiniBatch batch) {
        Buffers b = buffers(batch);
        forward(b);
        double loss = outputError(b, batch) + l2Score();
        for (Runnable op : b.backward) {
            op.run();
        }
        adam.step();
        return loss;
    }

    private static void forward(Buffers b) {
        for (Runnable op : b.forward) {
            op.run();
        }
    }

    /**
     * Returns the mean over rows of the mean squared error, and leaves for the backward pass out - x in the last
     * delta buffer or, with the output layer in Java, its dL/dz in the last pre-activation buffer.
     */
    private double outputError(Buffers b, MiniBatch batch) {
        if (sigmoidOutputInJava) {
            return sigmoidOutputError(b, batch);
        }
        int rows = batch.rows();
        int last = stack.layers() - 1;
        INDArray error = b.delta[last];
        b.outputError.run();
        // BLAS's dot of the whole buffer with itself: a sixth of norm2's time (both ND4J, so on every backend)
        return Nd4j.getBlasWrapper().dot(error, error) / ((double) rows * stack.outputs()[last]);
    }

    /**
     * The sigmoid output layer in one pass over host copies: a = σ(z), dL/dz = (a - x) a (1 - a) (DL4J's gradient
     * before its 2 / width scale, which the backward products carry), written back over z. ND4J's sigmoid alone
     * (2.3 ns a value) cost more than this whole pass with its two copies.
     */
    private double sigmoidOutputError(Buffers b, MiniBatch batch) {
        int n = batch.rows() * batch.cols();
        float[] z = b.gradientHost;
        float[] out = b.outputHost;
        float[] x = batch.data();
        INDArray pre = b.pre[stack.layers() - 1];
        pre.data().asNioFloat().get(0, z, 0, n);
        for (int i = 0; i < n; i++) { // no reduction in this loop, so that it vectorizes
            float a = FastSigmoid.of(z[i]);
            out[i] = a;
            z[i] = (a - x[i]) * a * (1 - a);
        }
        pre.data().asNioFloat().put(0, z, 0, n);
        return SquaredError.sum(out, x, 0, n) / n;
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
     * Adds to {@code ops} what turns dL/da into dL/dz and returns the array it will be in: the pre-activation's buffer
     * (a plain ReLU through the op DL4J uses, the sigmoid as a (1 - a) dL/da from its activation, ND4J's
     * SigmoidDerivative recomputing the exponential took 5x as long, any other activation through its own backprop),
     * or for an identity dL/da itself.
     */
    private static INDArray backpropActivation(IActivation a, INDArray pre, INDArray act, INDArray delta,
                                               List<Runnable> ops) {
        if (a instanceof ActivationIdentity) {
            return delta;
        }
        if (a instanceof ActivationReLU relu && relu.getMax() == null && relu.getThreshold() == null
                && relu.getNegativeSlope() == null) {
            ops.add(PreparedOp.of(new Step(pre, pre, 0.0))); // 1 where pre > 0: ReLU's derivative
            ops.add(PreparedOp.of(new MulOp(pre, delta, pre)));
        } else if (a instanceof ActivationSigmoid) {
            ops.add(PreparedOp.of(new OneMinus(act, pre)));
            ops.add(PreparedOp.of(new MulOp(pre, act, pre)));
            ops.add(PreparedOp.of(new MulOp(pre, delta, pre)));
        } else {
            ops.add(() -> { // DL4J's backprop works in place on most activations, and may allocate its result
                INDArray dz = a.backprop(pre, delta).getFirst();
                if (dz != pre) {
                    pre.assign(dz);
                }
            });
        }
        return pre;
    }
}
