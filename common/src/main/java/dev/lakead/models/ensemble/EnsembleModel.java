package dev.lakead.models.ensemble;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained ensemble: every member scores the batch (a member with feature error weights: the weighted mean of its
 * per-feature errors), each score is normalised by that member's training-score {@link ScoreScale}, and the
 * normalised scores are combined (mean, median or mean of asinh) into one anomaly score per row.
 * The bundle holds all members in one byte array (each in its own family's format).
 */
public final class EnsembleModel implements AnomalyModel {
    public static final String TYPE = "ensemble";
    private static final int MAGIC = 0x1ADE_E45B;

    private final EnsembleSpec spec;
    private final List<AnomalyModel> members;
    private final List<ScoreScale> scales;
    /** Per member: the weight of each feature's error, or null to use the member's own score. */
    private final List<double[]> errorWeights;

    EnsembleModel(EnsembleSpec spec, List<AnomalyModel> members, List<ScoreScale> scales,
                  List<double[]> errorWeights) {
        if (members.isEmpty() || members.size() != scales.size() || members.size() != errorWeights.size()) {
            throw new IllegalArgumentException("one scale and one weight vector (or null) per member expected");
        }
        this.spec = spec;
        this.members = List.copyOf(members);
        this.scales = List.copyOf(scales);
        this.errorWeights = java.util.Collections.unmodifiableList(new ArrayList<>(errorWeights));
    }

    /** A one-member ensemble that scores exactly as the member (weighted errors included), before normalisation. */
    static EnsembleModel unscaled(EnsembleSpec spec, AnomalyModel member, double[] errorWeights) {
        List<double[]> weights = new ArrayList<>();
        weights.add(errorWeights);
        return new EnsembleModel(spec.withMeanCombine(), List.of(member), List.of(new ScoreScale(0.0, 1.0)), weights);
    }

    public List<AnomalyModel> members() {
        return members;
    }

    /** Member i alone as a model whose score is that member's normalised score (for diagnostics). */
    public EnsembleModel memberView(int i) {
        List<double[]> weights = new ArrayList<>();
        weights.add(errorWeights.get(i));
        return new EnsembleModel(spec.withMeanCombine(), List.of(members.get(i)), List.of(scales.get(i)), weights);
    }

    /** Member i's normalised scores of a batch (for diagnostics and tests). */
    public double[] memberScores(int i, INDArray batch) {
        double[] raw = rawScores(i, batch);
        ScoreScale scale = scales.get(i);
        for (int r = 0; r < raw.length; r++) {
            raw[r] = scale.normalise(raw[r]);
        }
        return raw;
    }

    private double[] rawScores(int i, INDArray batch) {
        double[] w = errorWeights.get(i);
        if (w == null) {
            return members.get(i).score(batch);
        }
        double[][] errors = ((dev.lakead.models.FeatureErrors) members.get(i)).featureErrors(batch).toDoubleMatrix();
        double[] out = new double[errors.length];
        for (int r = 0; r < errors.length; r++) {
            double sum = 0;
            for (int j = 0; j < w.length; j++) {
                sum += errors[r][j] * w[j];
            }
            out[r] = sum / w.length;
        }
        return out;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return members.get(0).inputSize();
    }

    @Override
    public double[] score(INDArray batch) {
        int rows = (int) batch.rows();
        double[][] byMember = new double[members.size()][];
        for (int i = 0; i < members.size(); i++) {
            byMember[i] = memberScores(i, batch);
        }
        double[] out = new double[rows];
        double[] column = new double[members.size()];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < column.length; i++) {
                column[i] = byMember[i][r];
            }
            out[r] = combine(column);
        }
        return out;
    }

    private double combine(double[] normalised) {
        switch (spec.combine()) {
            case EnsembleSpec.MEDIAN:
                return median(normalised);
            case EnsembleSpec.ASINH:
                double s = 0;
                for (double x : normalised) {
                    s += Math.log(x + Math.sqrt(x * x + 1)); // asinh
                }
                return s / normalised.length;
            default:
                return mean(normalised);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double median(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(spec.members().size());
            for (String m : spec.members()) {
                out.writeUTF(m);
            }
            out.writeInt(spec.widthFactors().size());
            for (double f : spec.widthFactors()) {
                out.writeDouble(f);
            }
            out.writeDouble(spec.scaleQuantile());
            out.writeUTF(spec.combine());
            out.writeBoolean(spec.featureErrorScaling());
            out.writeInt(members.size()); // a one-member view (unscaled) holds fewer members than the spec names
            for (int i = 0; i < members.size(); i++) {
                byte[] member = members.get(i).toBytes();
                out.writeUTF(members.get(i).type());
                out.writeDouble(scales.get(i).centre());
                out.writeDouble(scales.get(i).spread());
                double[] w = errorWeights.get(i);
                out.writeInt(w == null ? 0 : w.length);
                for (int j = 0; w != null && j < w.length; j++) {
                    out.writeDouble(w[j]);
                }
                out.writeInt(member.length);
                out.write(member);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the ensemble: " + e.getMessage(), e);
        }
    }

    static EnsembleModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new LakeadException("The ensemble is corrupt: not a lakead ensemble");
            }
            List<String> types = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                types.add(in.readUTF());
            }
            List<Double> factors = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                factors.add(in.readDouble());
            }
            EnsembleSpec spec = new EnsembleSpec(types, factors, in.readDouble(), in.readUTF(), in.readBoolean());
            List<AnomalyModel> members = new ArrayList<>();
            List<ScoreScale> scales = new ArrayList<>();
            List<double[]> weights = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                String type = in.readUTF();
                scales.add(new ScoreScale(in.readDouble(), in.readDouble()));
                double[] w = new double[in.readInt()];
                for (int j = 0; j < w.length; j++) {
                    w[j] = in.readDouble();
                }
                weights.add(w.length == 0 ? null : w);
                byte[] member = new byte[in.readInt()];
                in.readFully(member);
                members.add(ModelFamilies.get(type).decode(member));
            }
            return new EnsembleModel(spec, members, scales, weights);
        } catch (IOException | IllegalArgumentException e) {
            throw new LakeadException("The ensemble is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public AnomalyModel copy() {
        List<AnomalyModel> copies = new ArrayList<>();
        for (AnomalyModel m : members) {
            copies.add(m.copy());
        }
        return new EnsembleModel(spec, copies, scales, errorWeights);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>(spec.asMap());
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("type", members.get(i).type());
            member.put("score_median", scales.get(i).centre());
            member.put("score_spread", scales.get(i).spread());
            if (errorWeights.get(i) != null) {
                member.put("feature_error_weights", errorWeights.get(i));
            }
            member.put("hyperparameters", members.get(i).hyperparameters());
            list.add(member);
        }
        m.put("member_models", list);
        return m;
    }
}
