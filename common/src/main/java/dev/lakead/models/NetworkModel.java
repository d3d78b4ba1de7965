package dev.lakead.models;

import dev.lakead.LakeadException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Shared plumbing of the models that are one DL4J {@link MultiLayerNetwork} reconstructing their input: score from
 * per-feature errors, size, serialization, copies.
 */
public abstract class NetworkModel implements AnomalyModel, FeatureErrors {
    protected final MultiLayerNetwork network;
    private final Map<String, Object> hyperparameters;

    protected NetworkModel(MultiLayerNetwork network, Map<String, Object> hyperparameters) {
        this.network = network;
        this.hyperparameters = Map.copyOf(hyperparameters);
    }

    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    public int inputSize() {
        return (int) network.layerInputSize(0);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }

    /**
     * Each feature's reconstruction error per row: [rows, features]. The score is their mean, so one network call
     * gives both.
     */
    @Override
    public abstract INDArray featureErrors(INDArray batch);

    @Override
    public double[] score(INDArray batch) {
        return featureErrors(batch).mean(1).toDoubleVector();
    }

    @Override
    public Detailed scoreDetailed(INDArray batch) {
        INDArray errors = featureErrors(batch);
        return new Detailed(errors.mean(1).toDoubleVector(), errors.toDoubleMatrix());
    }

    /** Writes the network in DL4J's ModelSerializer format (without updater state). */
    protected void writeNetwork(OutputStream out) {
        try {
            ModelSerializer.writeModel(network, out, false);
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the " + type() + " network: " + e.getMessage(), e);
        }
    }

    /** Reads a network written by {@link #writeNetwork}; a broken stream names the model type. */
    protected static MultiLayerNetwork readNetwork(InputStream in, String type) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(in, false);
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("The " + type + " network is corrupt or not a DL4J model: " + e.getMessage(), e);
        }
    }
}
