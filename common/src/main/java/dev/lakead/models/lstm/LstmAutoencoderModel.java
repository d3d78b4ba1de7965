package dev.lakead.models.lstm;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/** A trained LSTM Autoencoder; the score of a window ([features, steps]) is its mean squared (or absolute) error. */
public final class LstmAutoencoderModel implements AnomalyModel {
    public static final String TYPE = "lstm-ae";

    private final MultiLayerNetwork network;
    private final boolean absolute;
    private final Map<String, Object> hyperparameters;

    public LstmAutoencoderModel(MultiLayerNetwork network, boolean absolute, Map<String, Object> hyperparameters) {
        this.network = network;
        this.absolute = absolute;
        this.hyperparameters = Map.copyOf(hyperparameters);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return (int) network.layerInputSize(0);
    }

    @Override
    public double[] score(INDArray windows) {
        INDArray diff = network.output(windows, false).subi(windows);
        INDArray err = absolute ? Transforms.abs(diff, false) : diff.muli(diff);
        return err.mean(1, 2).toDoubleVector();
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(absolute ? 1 : 0);
            ModelSerializer.writeModel(network, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the LSTM Autoencoder: " + e.getMessage(), e);
        }
    }

    static LstmAutoencoderModel fromBytes(byte[] bytes) {
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            boolean absolute = in.read() == 1;
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(in, false);
            return new LstmAutoencoderModel(net, absolute, Map.of("input_size", net.layerInputSize(0)));
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("The LSTM Autoencoder network is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        return new LstmAutoencoderModel(network.clone(), absolute, hyperparameters);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }
}
