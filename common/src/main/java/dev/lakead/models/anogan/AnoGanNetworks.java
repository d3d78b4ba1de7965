package dev.lakead.models.anogan;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossL1;

import java.util.ArrayList;
import java.util.List;

/**
 * The DL4J networks of AnoGAN, all built from one {@link AnoGanSpec}:
 * <ul>
 *   <li>G (z → x) and D (x → f(x) → P(real), binary cross-entropy) as in 4.3.4;</li>
 *   <li>the combined network G → D with D's layers frozen ({@link FrozenLayerWithBackprop}: gradients flow back to
 *   G, D is not updated), fitted with label 1 for the generator step (the non-saturating loss −log D(G(z)));</li>
 *   <li>the encoder graph x → E → z → G → G(E(x)) with G and D frozen and two L1 outputs, the residual against x
 *   and the feature residual against f(x), weighted (1 − λ) and λ like the score.</li>
 * </ul>
 * G, D and the combined network share one parameter buffer ({@link Gan}), so a step of either is seen by the others
 * without copying.
 */
final class AnoGanNetworks {
    static final String X = "x";
    static final String Z = "z";
    static final String RESIDUAL = "residual";
    static final String FEATURE = "feature";

    private AnoGanNetworks() {
    }

    private static IActivation act(DenseStack.Act a) {
        switch (a) {
            case LEAKY_RELU:
                return new ActivationLReLU(DenseStack.LEAKY_ALPHA);
            case SIGMOID:
                return new ActivationSigmoid();
            default:
                return new ActivationIdentity();
        }
    }

    private static NeuralNetConfiguration.Builder base(AnoGanSpec spec, double learningRate, double beta1, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(learningRate, beta1, Adam.DEFAULT_ADAM_BETA2_VAR_DECAY, Adam.DEFAULT_ADAM_EPSILON));
    }

    private static List<Layer> denseLayers(List<Integer> sizes, List<DenseStack.Act> acts) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.size(); i++) {
            layers.add(new DenseLayer.Builder().nIn(sizes.get(i)).nOut(sizes.get(i + 1)).activation(act(acts.get(i)))
                    .build());
        }
        return layers;
    }

    static List<Layer> generatorLayers(AnoGanSpec spec) {
        return denseLayers(spec.generatorLayers(), spec.generatorActs());
    }

    /** D's hidden layers (the feature map f) and its sigmoid output unit with binary cross-entropy. */
    static List<Layer> discriminatorLayers(AnoGanSpec spec) {
        List<Layer> layers = denseLayers(spec.featureLayers(), spec.featureActs());
        layers.add(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(spec.featureSize()).nOut(1)
                .activation(Activation.SIGMOID).build());
        return layers;
    }

    static MultiLayerConfiguration generator(AnoGanSpec spec) {
        NeuralNetConfiguration.ListBuilder list = base(spec, spec.learningRate(), spec.beta1(), spec.seed()).list();
        generatorLayers(spec).forEach(list::layer);
        return list.build();
    }

    static MultiLayerConfiguration discriminator(AnoGanSpec spec) {
        NeuralNetConfiguration.ListBuilder list = base(spec, spec.learningRate(), spec.beta1(), spec.seed() + 1).list();
        discriminatorLayers(spec).forEach(list::layer);
        return list.build();
    }

    /** G followed by D's layers frozen: fitting it with label 1 is the generator step. */
    static MultiLayerConfiguration combined(AnoGanSpec spec) {
        NeuralNetConfiguration.ListBuilder list = base(spec, spec.learningRate(), spec.beta1(), spec.seed()).list();
        generatorLayers(spec).forEach(list::layer);
        for (Layer l : discriminatorLayers(spec)) {
            list.layer(new FrozenLayerWithBackprop(l));
        }
        return list.build();
    }

    /**
     * G, D and the combined network over one parameter buffer [G | D]: the combined network owns it, G and D are
     * views of its two halves.
     */
    static final class Gan {
        final MultiLayerNetwork generator;
        final MultiLayerNetwork discriminator;
        final MultiLayerNetwork combined;
        final int generatorParams;

        Gan(AnoGanSpec spec) {
            MultiLayerNetwork g = new MultiLayerNetwork(generator(spec));
            g.init();
            MultiLayerNetwork d = new MultiLayerNetwork(discriminator(spec));
            d.init();
            generatorParams = (int) g.numParams();
            INDArray all = Nd4j.create(DataType.FLOAT, 1, generatorParams + d.numParams());
            all.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, generatorParams)).assign(g.params());
            all.get(NDArrayIndex.point(0), NDArrayIndex.interval(generatorParams, all.length()))
                    .assign(d.params());
            combined = new MultiLayerNetwork(combined(spec));
            combined.init(all, false);
            generator = new MultiLayerNetwork(generator(spec));
            generator.init(slice(combined.params(), 0, generatorParams), false);
            discriminator = new MultiLayerNetwork(discriminator(spec));
            discriminator.init(slice(combined.params(), generatorParams, combined.numParams()), false);
        }

        /** A view of values [from, to) of a flat parameter vector (rank 1 or a [1, n] row). */
        private static INDArray slice(INDArray flat, long from, long to) {
            return flat.rank() == 1 ? flat.get(NDArrayIndex.interval(from, to))
                    : flat.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(from, to));
        }

        /** [G | D] as one flat vector. */
        float[] params() {
            return combined.params().toFloatVector();
        }

        void setParams(float[] flat) {
            if (flat.length != combined.numParams()) {
                throw new IllegalArgumentException("GAN parameter vector has " + flat.length + " values, the networks "
                        + combined.numParams());
            }
            combined.params().assign(Nd4j.create(flat, new long[]{1, flat.length}, 'c'));
        }
    }

    /**
     * x → E → z → G (frozen) → G(E(x)) → L1 against x; G(E(x)) → D's hidden layers (frozen) → L1 against f(x).
     * Its score is the mean over rows of (1 − λ)·mean|x − G(E(x))| + λ·mean|f(x) − f(G(E(x)))|.
     */
    static ComputationGraphConfiguration encoder(AnoGanSpec spec) {
        ComputationGraphConfiguration.GraphBuilder b = base(spec, spec.encoderLearningRate(), 0.9, spec.seed() + 2)
                .graphBuilder().addInputs(X);
        String prev = X;
        List<Layer> e = denseLayers(spec.encoderLayers(), spec.encoderActs());
        for (int i = 0; i < e.size(); i++) {
            String name = i == e.size() - 1 ? Z : "e" + i;
            b.addLayer(name, e.get(i), prev);
            prev = name;
        }
        List<Layer> g = generatorLayers(spec);
        for (int i = 0; i < g.size(); i++) {
            b.addLayer("g" + i, new FrozenLayerWithBackprop(g.get(i)), prev);
            prev = "g" + i;
        }
        String generated = prev;
        b.addLayer(RESIDUAL, l1(spec.inputSize(), (1 - spec.lambda()) / spec.inputSize()), generated);
        List<Layer> d = denseLayers(spec.featureLayers(), spec.featureActs());
        for (int i = 0; i < d.size(); i++) {
            b.addLayer("d" + i, new FrozenLayerWithBackprop(d.get(i)), prev);
            prev = "d" + i;
        }
        b.addLayer(FEATURE, l1(spec.featureSize(), spec.lambda() / spec.featureSize()), prev);
        return b.setOutputs(RESIDUAL, FEATURE).build();
    }

    private static LossLayer l1(int width, double weight) {
        INDArray w = Nd4j.valueArrayOf(new long[]{1, width}, (float) weight);
        return new LossLayer.Builder(new LossL1(w)).activation(Activation.IDENTITY).build();
    }

    /** Names of the encoder graph's layers of E, in order. */
    static List<String> encoderLayerNames(AnoGanSpec spec) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spec.encoderSizes().size(); i++) {
            names.add("e" + i);
        }
        names.add(Z);
        return names;
    }

    static ComputationGraph encoderGraph(AnoGanSpec spec, float[] generatorParams, float[] discriminatorParams) {
        ComputationGraph graph = new ComputationGraph(encoder(spec));
        graph.init();
        int off = 0;
        for (int i = 0; i < spec.generatorSizes().size() + 1; i++) {
            off = copyInto(graph.getLayer("g" + i).params(), generatorParams, off);
        }
        off = 0;
        for (int i = 0; i < spec.discriminatorSizes().size(); i++) {
            off = copyInto(graph.getLayer("d" + i).params(), discriminatorParams, off);
        }
        return graph;
    }

    /** Copies the next view.length() values of {@code flat} from {@code offset} into {@code view}. */
    static int copyInto(INDArray view, float[] flat, int offset) {
        int n = (int) view.length();
        float[] part = new float[n];
        System.arraycopy(flat, offset, part, 0, n);
        view.assign(Nd4j.create(part, view.shape(), 'c'));
        return offset + n;
    }
}
