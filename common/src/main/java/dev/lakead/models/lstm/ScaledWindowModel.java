package dev.lakead.models.lstm;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.FeatureErrors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** One entity's model in the per-entity mode: its own standardisation, then its LSTM Autoencoder. */
public final class ScaledWindowModel implements AnomalyModel, FeatureErrors {
    /** First byte of the serialized form, so that the family can tell it from a bare network. */
    static final int MARKER = 3;
    private final LstmAutoencoderModel network;
    private final EntityScaling scaling;

    ScaledWindowModel(LstmAutoencoderModel network, EntityScaling scaling) {
        this.network = network;
        this.scaling = scaling;
    }

    LstmAutoencoderModel network() {
        return network;
    }

    EntityScaling scaling() {
        return scaling;
    }

    @Override
    public String type() {
        return LstmAutoencoderModel.TYPE;
    }

    @Override
    public int inputSize() {
        return network.inputSize();
    }

    @Override
    public double[] score(INDArray windows) {
        return network.score(scaling.apply(windows));
    }

    @Override
    public INDArray featureErrors(INDArray windows) {
        return network.featureErrors(scaling.apply(windows));
    }

    @Override
    public Detailed scoreDetailed(INDArray windows) {
        return network.scoreDetailed(scaling.apply(windows));
    }

    /** A marker byte, the scaling (features, then mean and std per feature), then the network's bytes. */
    @Override
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(MARKER);
            out.writeInt(scaling.mean().length);
            for (int i = 0; i < scaling.mean().length; i++) {
                out.writeFloat(scaling.mean()[i]);
                out.writeFloat(scaling.std()[i]);
            }
            out.write(network.toBytes());
        } catch (java.io.IOException e) {
            throw new dev.lakead.LakeadException("Cannot serialize an entity model: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    static ScaledWindowModel fromBytes(byte[] bytes) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            in.readByte();
            int n = in.readInt();
            float[] mean = new float[n];
            float[] std = new float[n];
            for (int i = 0; i < n; i++) {
                mean[i] = in.readFloat();
                std[i] = in.readFloat();
            }
            return new ScaledWindowModel(LstmAutoencoderModel.fromBytes(in.readAllBytes()), new EntityScaling(mean, std));
        } catch (java.io.IOException e) {
            throw new dev.lakead.LakeadException("An entity model is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        return new ScaledWindowModel((LstmAutoencoderModel) network.copy(), scaling);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return network.hyperparameters();
    }
}
