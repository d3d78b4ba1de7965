package dev.lakead.models.autoencoder;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/** A trained dense Autoencoder; the anomaly score is the mean squared reconstruction error of a row (4.1.1). */
public final class AutoencoderModel implements AnomalyModel {
    public static final String TYPE = "autoencoder";

    private final MultiLayerNetwork network;
    private final Map<String, Object> hyperparameters;

    public AutoencoderModel(MultiLayerNetwork network, Map<String, Object> hyperparameters) {
        this.network = network;
        this.hyperparameters = Map.copyOf(hyperparameters);
    }

    public MultiLayerNetwork network() {
        return network;
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
    public double[] score(INDArray batch) {
        INDArray reconstructed = network.output(batch, false);
        INDArray diff = reconstructed.subi(batch);
        return diff.muli(diff).mean(1).toDoubleVector();
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the Autoencoder: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        return new AutoencoderModel(network.clone(), hyperparameters);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }

    static AutoencoderModel fromBytes(byte[] bytes) {
        try {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
            return new AutoencoderModel(net, Map.of("input_size", net.layerInputSize(0)));
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("The Autoencoder network is corrupt or not a DL4J model: " + e.getMessage(), e);
        }
    }
}
