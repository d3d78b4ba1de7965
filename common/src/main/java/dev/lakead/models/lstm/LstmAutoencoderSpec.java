package dev.lakead.models.lstm;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.models.SpecJson;
import dev.lakead.training.NetworkSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

/**
 * The chapter's LSTM Autoencoder (4.4.3): stacked LSTM encoder → its last hidden state → dense latent → repeated over
 * the window → stacked LSTM decoder → time-distributed linear output; MSE (or MAE) loss, Adam.
 */
public record LstmAutoencoderSpec(int inputSize, int window, int hiddenSize, int layers, int latentSize, String loss,
                                  double learningRate, long seed) implements java.io.Serializable {

    /** @param window the steps per window (timeseries.window, read with the family's {@link TimeSeriesConfig}) */
    public static LstmAutoencoderSpec from(Settings s, int inputSize, int window) {
        int layers = s.positiveInt("model.lstm.layers");
        NetworkSpec network = NetworkSpec.from(s);
        return new LstmAutoencoderSpec(inputSize, window,
                s.positiveInt("model.lstm.hidden-size"), layers, s.positiveInt("model.lstm.latent-size"),
                s.choice("model.lstm.loss", "mse", "mae"), network.learningRate(), network.seed());
    }

    public MultiLayerConfiguration configuration() {
        if (window < 1) {
            throw new LakeadException("Setting 'timeseries.window' must be positive");
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(learningRate))
                .list();
        int prev = inputSize;
        for (int i = 0; i < layers; i++) {
            Layer lstm = new LSTM.Builder().nIn(prev).nOut(hiddenSize).activation(Activation.TANH).build();
            list.layer(i == layers - 1 ? new LastTimeStep(lstm) : lstm);
            prev = hiddenSize;
        }
        list.layer(new DenseLayer.Builder().nIn(hiddenSize).nOut(latentSize).activation(Activation.IDENTITY).build());
        list.layer(new RepeatVector.Builder(window).build());
        prev = latentSize;
        for (int i = 0; i < layers; i++) {
            list.layer(new LSTM.Builder().nIn(prev).nOut(hiddenSize).activation(Activation.TANH).build());
            prev = hiddenSize;
        }
        list.layer(new RnnOutputLayer.Builder("mae".equals(loss) ? LossFunctions.LossFunction.L1
                : LossFunctions.LossFunction.MSE).nIn(hiddenSize).nOut(inputSize).activation(Activation.IDENTITY)
                .build());
        list.setInputType(InputType.recurrent(inputSize, window));
        return list.build();
    }

    public Map<String, Object> asMap() {
        return SpecJson.asMap(this);
    }
}
