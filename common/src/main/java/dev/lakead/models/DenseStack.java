package dev.lakead.models;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;
import java.util.Optional;

/**
 * The shape of a DL4J network made only of float dense layers with biases (the last one may be the output layer):
 * per layer its input and output sizes and activation. The one check of "is this network dense", shared by the
 * inference path ({@link DenseForward}) and the training path (the Autoencoder's dense trainer).
 *
 * <p>DL4J's flat parameter vector ({@code params()}) holds, per layer, W [in, out] in column-major ('f') order,
 * then b [out]: {@link #weightOffset(int)} and {@link #biasOffset(int)} say where.
 */
public record DenseStack(int[] inputs, int[] outputs, IActivation[] activations) {

    /** The stack of {@code conf}, or empty when it holds anything but float dense/output layers with biases. */
    public static Optional<DenseStack> of(MultiLayerConfiguration conf) {
        if (conf.getDataType() != DataType.FLOAT) {
            return Optional.empty();
        }
        int n = conf.getConfs().size();
        int[] in = new int[n];
        int[] out = new int[n];
        IActivation[] a = new IActivation[n];
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = conf.getConf(i).getLayer();
            boolean dense = layer instanceof DenseLayer d && d.hasBias() || layer instanceof OutputLayer o && o.hasBias();
            if (!dense || conf.getInputPreProcess(i) != null) {
                return Optional.empty();
            }
            org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) layer;
            in[i] = (int) ff.getNIn();
            out[i] = (int) ff.getNOut();
            a[i] = ff.getActivationFn();
        }
        return Optional.of(new DenseStack(in, out, a));
    }

    public int layers() {
        return inputs.length;
    }

    public long weightOffset(int layer) {
        long offset = 0;
        for (int i = 0; i < layer; i++) {
            offset += (long) inputs[i] * outputs[i] + outputs[i];
        }
        return offset;
    }

    public long biasOffset(int layer) {
        return weightOffset(layer) + (long) inputs[layer] * outputs[layer];
    }

    public long parameterCount() {
        return weightOffset(layers());
    }

    /**
     * Layer {@code i}'s activation of {@code pre} into {@code out} (the same array for in place): the plain ReLU and
     * the sigmoid as one op each, which beside DL4J's copy-then-activate halves the passes over the buffer.
     */
    public void activate(int i, INDArray pre, INDArray out) {
        activation(i, pre, out).run();
    }

    /** {@link #activate} over arrays that stay put, built once to run many times (a trainer's buffers). */
    public Runnable activation(int i, INDArray pre, INDArray out) {
        IActivation a = activations[i];
        if (a instanceof ActivationReLU relu && relu.getMax() == null && relu.getThreshold() == null
                && relu.getNegativeSlope() == null) {
            return PreparedOp.of(new RectifiedLinear(pre, out, 0.0));
        } else if (a instanceof ActivationSigmoid) {
            return PreparedOp.of(new Sigmoid(pre, out));
        }
        return () -> {
            if (out != pre) {
                out.assign(pre);
            }
            INDArray result = a.getActivation(out, false);
            if (result != out) {
                out.assign(result);
            }
        };
    }

    /** Multiply-adds of one row's forward pass, times two: 2·Σ in·out. */
    public long forwardFlopsPerRow() {
        long f = 0;
        for (int i = 0; i < layers(); i++) {
            f += 2L * inputs[i] * outputs[i];
        }
        return f;
    }

    /**
     * What plain back-propagation with Adam has to reproduce of {@code conf}'s training: the same Adam (fixed
     * rate) and L2 on the weights in every layer, nothing else (no dropout, weight noise, gradient normalisation,
     * bias regularisation or separate bias updater). Empty when the configuration asks for more.
     */
    public static Optional<Optimiser> optimiser(MultiLayerConfiguration conf) {
        Adam adam = null;
        double l2 = -1;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (!(conf.getConf(i).getLayer() instanceof BaseLayer layer)
                    || !(layer.getIUpdater() instanceof Adam a) || a.getLearningRateSchedule() != null
                    || layer.getBiasUpdater() != null && !layer.getBiasUpdater().equals(a)
                    || layer.getIDropout() != null || layer.getWeightNoise() != null
                    || layer.getGradientNormalization() != null
                    && layer.getGradientNormalization() != GradientNormalization.None
                    || layer.getRegularizationBias() != null && !layer.getRegularizationBias().isEmpty()
                    || adam != null && !adam.equals(a)) {
                return Optional.empty();
            }
            adam = a;
            double layerL2 = l2(layer.getRegularization());
            if (Double.isNaN(layerL2) || l2 >= 0 && layerL2 != l2) {
                return Optional.empty();
            }
            l2 = layerL2;
        }
        return adam == null ? Optional.empty()
                : Optional.of(new Optimiser(adam.getLearningRate(), adam.getBeta1(), adam.getBeta2(),
                adam.getEpsilon(), l2));
    }

    /** The L2 coefficient of a layer's weight regularisation, 0 for none, NaN for anything else. */
    private static double l2(List<Regularization> regularization) {
        if (regularization == null || regularization.isEmpty()) {
            return 0;
        }
        if (regularization.size() == 1 && regularization.get(0) instanceof L2Regularization r) {
            return r.getL2().valueAt(0, 0);
        }
        return Double.NaN;
    }

    /** Adam's hyper-parameters and the L2 coefficient on the weights. */
    public record Optimiser(double learningRate, double beta1, double beta2, double epsilon, double l2)
            implements java.io.Serializable {
    }
}
