package dev.lakead.models.vae;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Random;

/**
 * A trained VAE. The default score is the chapter's reconstruction + β·KL (4.2.3) at z = μ, so a rerun gives
 * identical scores; {@code mc-logprob} averages −log p(x|z) over sampled z with a fixed seed.
 */
public final class VaeModel implements AnomalyModel, dev.lakead.models.LatentSpace {
    public static final String TYPE = "vae";
    private static final int MAGIC = 0x1ADE_0FAE;

    private final VaeSpec spec;
    private final VaeGraph graph;

    public VaeModel(VaeSpec spec, float[] params) {
        this.spec = spec;
        this.graph = new VaeGraph(spec, params);
    }

    public VaeSpec spec() {
        return spec;
    }

    /** The same trained parameters with another score mode (e.g. for a comparison run). */
    public VaeModel withScoreMode(String mode, int samples, long seed) {
        return new VaeModel(spec.withScoreMode(mode, samples, seed), graph.params());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public double[] score(INDArray batch) {
        int rows = (int) batch.rows();
        if (VaeSpec.SCORE_MC.equals(spec.scoreMode())) {
            Random rng = new Random(spec.mcSeed());
            double[] sum = new double[rows];
            for (int s = 0; s < spec.mcSamples(); s++) {
                double[] nll = graph.sd.output(Map.of(VaeGraph.X, batch, VaeGraph.EPS, graph.noise(rows, rng)),
                        VaeGraph.RECON).get(VaeGraph.RECON).toDoubleVector();
                for (int i = 0; i < rows; i++) {
                    sum[i] += nll[i] / spec.mcSamples();
                }
            }
            return sum;
        }
        return graph.sd.output(Map.of(VaeGraph.X, batch, VaeGraph.EPS, graph.zeroNoise(rows)), VaeGraph.SCORE)
                .get(VaeGraph.SCORE).toDoubleVector();
    }

    /** Per-row reconstruction term and KL term at z = μ (for tests and diagnostics). */
    public double[][] terms(INDArray batch) {
        int rows = (int) batch.rows();
        Map<String, INDArray> out = graph.sd.output(Map.of(VaeGraph.X, batch, VaeGraph.EPS, graph.zeroNoise(rows)),
                VaeGraph.RECON, VaeGraph.KL);
        return new double[][]{out.get(VaeGraph.RECON).toDoubleVector(), out.get(VaeGraph.KL).toDoubleVector()};
    }

    @Override
    public INDArray latent(INDArray batch) {
        int rows = (int) batch.rows();
        return graph.sd.output(Map.of(VaeGraph.X, batch, VaeGraph.EPS, graph.zeroNoise(rows)), VaeGraph.MU)
                .get(VaeGraph.MU);
    }

    @Override
    public int latentSize() {
        return spec.latentSize();
    }

    public float[] params() {
        return graph.params();
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeUTF(spec.toJson());
            float[] p = graph.params();
            out.writeInt(p.length);
            for (float v : p) {
                out.writeFloat(v);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the VAE: " + e.getMessage(), e);
        }
    }

    static VaeModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new LakeadException("not a lakead VAE network");
            }
            VaeSpec spec = VaeSpec.fromJson(in.readUTF());
            float[] p = new float[in.readInt()];
            for (int i = 0; i < p.length; i++) {
                p[i] = in.readFloat();
            }
            return new VaeModel(spec, p);
        } catch (IOException | IllegalArgumentException e) {
            throw new LakeadException("The VAE network is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        return new VaeModel(spec, graph.params());
    }

    @Override
    public Map<String, Object> hyperparameters() {
        return spec.asMap();
    }
}
