package dev.lakead.models.anogan;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of dense layers evaluated with plain ND4J matrix products, read from the flat parameter vector of a DL4J
 * network with the same layers (per layer: W [nIn, nOut] in 'f' order, then b [nOut]). Scoring and the latent
 * search use it instead of the DL4J networks: the search needs the gradient with respect to the network's input for
 * a whole batch, which is one forward and one backward pass of matrix products here (DL4J would also compute the
 * unused weight gradients and recompute the forward pass inside backprop).
 */
final class DenseStack {
    /** The activations the AnoGAN networks use. */
    enum Act {
        LEAKY_RELU, IDENTITY, SIGMOID
    }

    /** Slope of LeakyReLU for negative inputs (the chapter's nn.LeakyReLU(0.2)). */
    static final double LEAKY_ALPHA = 0.2;

    private final List<INDArray> weights = new ArrayList<>();
    private final List<INDArray> biases = new ArrayList<>();
    private final List<Act> acts;

    /**
     * @param sizes  layer widths, input first: [nIn, h1, ..., out]
     * @param acts   one activation per layer (sizes.size() - 1 of them)
     * @param flat   DL4J flat parameters, at least as long as these layers need (extra values are ignored)
     * @param offset where this stack's parameters start in {@code flat}
     */
    DenseStack(List<Integer> sizes, List<Act> acts, float[] flat, int offset) {
        if (acts.size() != sizes.size() - 1) {
            throw new IllegalArgumentException(sizes.size() - 1 + " layers but " + acts.size() + " activations");
        }
        this.acts = List.copyOf(acts);
        int off = offset;
        for (int i = 0; i + 1 < sizes.size(); i++) {
            int nIn = sizes.get(i);
            int nOut = sizes.get(i + 1);
            if (off + nIn * nOut + nOut > flat.length) {
                throw new IllegalArgumentException("parameter vector too short for layers " + sizes);
            }
            float[] w = new float[nIn * nOut];
            System.arraycopy(flat, off, w, 0, w.length);
            off += w.length;
            weights.add(Nd4j.create(w, new long[]{nIn, nOut}, 'f').dup('c'));
            float[] b = new float[nOut];
            System.arraycopy(flat, off, b, 0, nOut);
            off += nOut;
            biases.add(Nd4j.create(b, new long[]{1, nOut}, 'c'));
        }
    }

    /** Number of flat parameters of dense layers with these widths. */
    static int paramCount(List<Integer> sizes) {
        int n = 0;
        for (int i = 0; i + 1 < sizes.size(); i++) {
            n += sizes.get(i) * sizes.get(i + 1) + sizes.get(i + 1);
        }
        return n;
    }

    int layers() {
        return weights.size();
    }

    /** The output for a batch [rows, nIn]. */
    INDArray forward(INDArray x) {
        INDArray h = x.castTo(DataType.FLOAT);
        for (int i = 0; i < weights.size(); i++) {
            h = activate(h.mmul(weights.get(i)).addiRowVector(biases.get(i)), acts.get(i));
        }
        return h;
    }

    /** A forward pass that keeps each layer's pre-activation for the backward pass. */
    Pass forwardPass(INDArray x) {
        List<INDArray> pre = new ArrayList<>();
        INDArray h = x.castTo(DataType.FLOAT);
        for (int i = 0; i < weights.size(); i++) {
            INDArray z = h.mmul(weights.get(i)).addiRowVector(biases.get(i));
            pre.add(z);
            h = activate(z.dup(), acts.get(i));
        }
        return new Pass(pre, h);
    }

    /**
     * Gradient with respect to the input of {@code pass}, given the gradient {@code dOut} with respect to its output.
     * Row i of the result depends only on row i: rows never mix, so a batch is as many independent problems.
     */
    INDArray backward(Pass pass, INDArray dOut) {
        INDArray eps = dOut;
        for (int i = weights.size() - 1; i >= 0; i--) {
            INDArray d = derivative(pass.pre().get(i), acts.get(i));
            eps = (d == null ? eps : d.muli(eps)).mmul(weights.get(i).transpose());
        }
        return eps;
    }

    /** Pre-activations of every layer and the output of one forward pass. */
    record Pass(List<INDArray> pre, INDArray output) {
    }

    private static INDArray activate(INDArray z, Act act) {
        switch (act) {
            case LEAKY_RELU:
                return Transforms.leakyRelu(z, LEAKY_ALPHA, false);
            case SIGMOID:
                return Transforms.sigmoid(z, false);
            default:
                return z;
        }
    }

    /** The activation's derivative at the pre-activations (a new array); null for the identity. */
    private static INDArray derivative(INDArray pre, Act act) {
        switch (act) {
            case LEAKY_RELU:
                return Transforms.leakyReluDerivative(pre, LEAKY_ALPHA, true);
            case SIGMOID:
                INDArray s = Transforms.sigmoid(pre, true);
                return s.muli(s.rsub(1.0));
            default:
                return null;
        }
    }
}
