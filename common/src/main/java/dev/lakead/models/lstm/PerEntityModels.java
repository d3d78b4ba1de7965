package dev.lakead.models.lstm;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-entity mode: one LSTM Autoencoder and one threshold per entity (machine, sensor group...), stored as one
 * bundle. Scored window by window with each entity's own model ({@code BatchScorer.scoreWindowsPerKey}).
 */
public final class PerEntityModels implements AnomalyModel {
    static final int MARKER = 2;

    private final Map<String, ScaledWindowModel> models;
    private final Map<String, Double> thresholds;
    private final Map<String, Object> hyperparameters;

    public PerEntityModels(Map<String, ScaledWindowModel> models, Map<String, Double> thresholds,
                           Map<String, Object> hyperparameters) {
        if (models.isEmpty()) {
            throw new LakeadException("Per-entity training produced no model (no entity has a training window)");
        }
        this.models = new TreeMap<>(models);
        this.thresholds = new TreeMap<>(thresholds);
        this.hyperparameters = hyperparameters;
    }

    public Map<String, ScaledWindowModel> models() {
        return models;
    }

    public Map<String, Double> thresholds() {
        return thresholds;
    }

    @Override
    public String type() {
        return LstmAutoencoderModel.TYPE;
    }

    @Override
    public int inputSize() {
        return models.values().iterator().next().inputSize();
    }

    @Override
    public double[] score(INDArray batch) {
        throw new UnsupportedOperationException("per-entity models score windows by entity");
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(MARKER);
            out.writeInt(models.size());
            for (Map.Entry<String, ScaledWindowModel> e : models.entrySet()) {
                byte[] b = e.getValue().toBytes();
                out.writeUTF(e.getKey());
                out.writeDouble(thresholds.get(e.getKey()));
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the per-entity models: " + e.getMessage(), e);
        }
    }

    static PerEntityModels fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readByte();
            int n = in.readInt();
            Map<String, ScaledWindowModel> models = new LinkedHashMap<>();
            Map<String, Double> thresholds = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String entity = in.readUTF();
                thresholds.put(entity, in.readDouble());
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                models.put(entity, ScaledWindowModel.fromBytes(b));
            }
            return new PerEntityModels(models, thresholds, Map.of("entities", n));
        } catch (IOException e) {
            throw new LakeadException("The per-entity models are corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        return this; // never scored as a whole; each entity's model is copied per task
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }
}
