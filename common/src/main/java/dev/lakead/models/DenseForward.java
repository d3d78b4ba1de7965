package dev.lakead.models;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;

/**
 * Inference-only forward pass of a network made of dense layers: one {@code gemm} per layer into an output buffer
 * kept between batches, then the bias and the layer's own activation in place.
 *
 * <p>Why: {@code MultiLayerNetwork.output} reaches about a quarter of the BLAS's speed on these shapes (a 4096-row
 * batch through 784-256-128-64-128-256-784: 41k rows/s against 97k here, same results to the last bit; see
 * bench/README.md, "BLAS"), because each layer's product is allocated and re-ordered per call. Only ND4J ops are
 * used, so this runs on every backend. Not thread-safe: one instance per model copy (one per Spark task).
 */
public final class DenseForward {
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final DenseStack stack;
    private final boolean sigmoidOutput; // applied to the host copy by meanSquaredError
    private INDArray[] buffers;
    private INDArray ones; // [1, rows]: the bias as a rank-1 product
    private long bufferRows = -1;
    private float[] outputCopy;
    private float[] inputCopy;

    private DenseForward(INDArray[] weights, INDArray[] biases, DenseStack stack) {
        this.weights = weights;
        this.biases = new INDArray[biases.length];
        for (int i = 0; i < biases.length; i++) { // [1, out] rows for the rank-1 product (DL4J's may be 1-D)
            this.biases[i] = biases[i].reshape(1, biases[i].length());
        }
        this.stack = stack;
        this.sigmoidOutput = stack.activations()[weights.length - 1] instanceof ActivationSigmoid;
    }

    /** The fast path for {@code network}, or empty when it holds anything but float dense/output layers. */
    public static Optional<DenseForward> of(MultiLayerNetwork network) {
        return DenseStack.of(network.getLayerWiseConfigurations()).map(stack -> {
            int n = stack.layers();
            INDArray[] w = new INDArray[n];
            INDArray[] b = new INDArray[n];
            for (int i = 0; i < n; i++) {
                w[i] = network.getLayer(i).getParam("W");
                b[i] = network.getLayer(i).getParam("b");
            }
            return new DenseForward(w, b, stack);
        });
    }

    /** The network's output for {@code batch} [rows, inputs]; a new array, safe to keep. */
    public INDArray output(INDArray batch) {
        return run(batch, true).dup('c');
    }

    /**
     * Each row's mean squared difference between the output and {@code batch} (the Autoencoder's score), summed in
     * plain Java over copies kept between batches: four ND4J element-wise calls and a re-ordering copy per batch
     * cost twice the network itself on narrow tables. A sigmoid output layer's activation is applied to that copy
     * ({@link FastSigmoid}: ND4J's op was a quarter of the network's time at 64 features).
     */
    public double[] meanSquaredError(INDArray batch) {
        INDArray out = run(batch, !sigmoidOutput);
        int n = (int) batch.size(0);
        int d = (int) batch.size(1);
        outputCopy = hostCopy(out, outputCopy); // c-order, as the input
        if (sigmoidOutput) {
            FastSigmoid.applyInPlace(outputCopy, n * d);
        }
        INDArray in = batch.dataType() == DataType.FLOAT && batch.ordering() == 'c' && !batch.isView()
                ? batch : batch.castTo(DataType.FLOAT).dup('c');
        inputCopy = hostCopy(in, inputCopy);
        float[] o = outputCopy;
        float[] x = inputCopy;
        double[] mse = new double[n];
        for (int i = 0; i < n; i++) {
            mse[i] = SquaredError.sum(o, x, i * d, (i + 1) * d) / d;
        }
        return mse;
    }

    /**
     * {@code a}'s values (an array that is no view) in {@code reuse}, grown when too small: one bulk copy and no
     * allocation per batch ({@code data().asFloat()} allocated and copied value by value).
     */
    private static float[] hostCopy(INDArray a, float[] reuse) {
        int length = Math.toIntExact(a.length());
        float[] dest = reuse != null && reuse.length >= length ? reuse : new float[length];
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        a.data().asNioFloat().get(dest, 0, length);
        return dest;
    }

    /**
     * Runs the layers, the last one's activation only when {@code activateLast}; returns the last layer's c-order
     * buffer (overwritten by the next call).
     */
    private INDArray run(INDArray batch, boolean activateLast) {
        long rows = batch.size(0);
        if (rows != bufferRows) { // batches have one size, but for a partition's last one
            buffers = new INDArray[weights.length];
            for (int i = 0; i < weights.length; i++) {
                // hidden layers f-order (gemm's own), the output c-order like the input rows it is compared with
                char order = i == weights.length - 1 ? 'c' : 'f';
                buffers[i] = Nd4j.createUninitialized(DataType.FLOAT, new long[]{rows, weights[i].size(1)}, order);
            }
            ones = Nd4j.ones(DataType.FLOAT, 1, rows);
            bufferRows = rows;
        }
        INDArray in = batch.dataType() == DataType.FLOAT ? batch : batch.castTo(DataType.FLOAT);
        for (int i = 0; i < weights.length; i++) {
            // the bias first, as a rank-1 product (1 per row times b): cheaper than a broadcast add after
            Nd4j.gemm(ones, biases[i], buffers[i], true, false, 1.0, 0.0);
            Nd4j.gemm(in, weights[i], buffers[i], false, false, 1.0, 1.0);
            if (activateLast || i < weights.length - 1) {
                stack.activate(i, buffers[i], buffers[i]);
            }
            in = buffers[i];
        }
        return in;
    }
}
