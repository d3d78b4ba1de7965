package dev.lakead.models.autoencoder;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.models.SpecJson;
import dev.lakead.training.NetworkSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dense Autoencoder of the chapter (4.1.3/4.1.4): ReLU encoder layers down to the latent size, a mirrored
 * ReLU decoder, and an output layer that matches the scaling (sigmoid for [0,1] data, identity for standardised
 * data), trained with MSE and Adam.
 */
public record AutoencoderSpec(int inputSize, List<Integer> hiddenSizes, String outputActivation,
                              double learningRate, double l2, long seed) implements java.io.Serializable {

    /** The spec for features of this width and scaling; the shared settings come from {@link NetworkSpec}. */
    public static AutoencoderSpec from(Settings settings, int inputSize, String scaler) {
        NetworkSpec network = NetworkSpec.from(settings);
        List<Integer> hidden = network.hiddenSizes();
        if (hidden.isEmpty()) {
            hidden = defaultHiddenSizes(inputSize);
        }
        for (int h : hidden) {
            if (h <= 0) {
                throw new LakeadException("Setting 'model.hidden-sizes' must hold positive sizes, got " + hidden);
            }
        }
        String out = settings.choice("model.output-activation", "auto", "sigmoid", "identity");
        if ("auto".equals(out)) {
            out = FeaturePreprocessor.MINMAX.equals(scaler) ? "sigmoid" : "identity";
        }
        return new AutoencoderSpec(inputSize, List.copyOf(hidden), out, network.learningRate(),
                settings.number("model.l2"), network.seed());
    }

    public AutoencoderSpec withSeed(long seed) {
        return new AutoencoderSpec(inputSize, hiddenSizes, outputActivation, learningRate, l2, seed);
    }

    public AutoencoderSpec withHiddenSizes(List<Integer> sizes) {
        return new AutoencoderSpec(inputSize, List.copyOf(sizes), outputActivation, learningRate, l2, seed);
    }

    /** 4.1.4: latent about a third of the input (2..64), two wider layers above it. */
    static List<Integer> defaultHiddenSizes(int inputSize) {
        int latent = Math.max(2, Math.min(64, (int) Math.ceil(inputSize / 3.0)));
        int first = Math.max(16, Math.min(256, Integer.highestOneBit(Math.max(1, inputSize - 1)) << 1));
        int second = Math.max(latent * 2, first / 2);
        return List.of(first, second, latent);
    }

    public MultiLayerConfiguration configuration() {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new Adam(learningRate))
                .l2(l2)
                .list();
        List<Integer> sizes = new ArrayList<>(hiddenSizes);
        int prev = inputSize;
        for (int i = 0; i < sizes.size(); i++) {
            boolean latent = i == sizes.size() - 1;
            // The latent layer is linear: a narrow ReLU bottleneck loses units that die during training.
            list.layer(new DenseLayer.Builder().nIn(prev).nOut(sizes.get(i))
                    .activation(latent ? Activation.IDENTITY : Activation.RELU).build());
            prev = sizes.get(i);
        }
        for (int i = sizes.size() - 2; i >= 0; i--) {
            list.layer(new DenseLayer.Builder().nIn(prev).nOut(sizes.get(i)).activation(Activation.RELU).build());
            prev = sizes.get(i);
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(prev).nOut(inputSize)
                .activation("sigmoid".equals(outputActivation) ? Activation.SIGMOID : Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER).build());
        return list.build();
    }

    /** The loss, recorded with the hyperparameters. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public String loss() {
        return "mse";
    }

    /** The optimizer, recorded with the hyperparameters. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public String optimizer() {
        return "adam";
    }

    public Map<String, Object> asMap() {
        return SpecJson.asMap(this);
    }
}
