package dev.lakead.models.ensemble;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.LatentSpace;
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
 * normalised scores are combined (mean, median or mean of asinh) into one anomaly score per row. A member with a
 * {@link LatentDensity} adds a second normalised term, its code's distance from the training codes.
 * The bundle holds all members in one byte array (each in its own family's format).
 */
public final class EnsembleModel implements AnomalyModel {
    public static final String TYPE = "ensemble";
    /** Format 1 (no latent terms) is still read; format 2 adds each member's optional latent density. */
    private static final int MAGIC_V1 = 0x1ADE_E45B;
    private static final int MAGIC = 0x1ADE_E45C;

    private final EnsembleSpec spec;
    private final List<AnomalyModel> members;
    private final List<ScoreScale> scales;
    /** Per member: the weight of each feature's error, or null to use the member's own score. */
    private final List<double[]> errorWeights;
    /** Per member: its latent term (density and the scale of its distances), or null for none. */
    private final List<LatentTerm> latentTerms;

    /** A member's second term: the distance of its code under {@code density}, normalised by {@code scale}. */
    record LatentTerm(LatentDensity density, ScoreScale scale) {
    }

    EnsembleModel(EnsembleSpec spec, List<AnomalyModel> members, List<ScoreScale> scales,
                  List<double[]> errorWeights, List<LatentTerm> latentTerms) {
        if (members.isEmpty() || members.size() != scales.size() || members.size() != errorWeights.size()
                || members.size() != latentTerms.size()) {
            throw new IllegalArgumentException("one scale, one weight vector and one latent term (or nulls) per member"
                    + " expected");
        }
        for (int i = 0; i < members.size(); i++) {
            if (latentTerms.get(i) != null && !(members.get(i) instanceof LatentSpace)) {
                throw new IllegalArgumentException("member " + i + " has no latent space for its latent term");
            }
        }
        this.spec = spec;
        this.members = List.copyOf(members);
        this.scales = List.copyOf(scales);
        this.errorWeights = java.util.Collections.unmodifiableList(new ArrayList<>(errorWeights));
        this.latentTerms = java.util.Collections.unmodifiableList(new ArrayList<>(latentTerms));
    }

    private static List<LatentTerm> none(int members) {
        return java.util.Collections.nCopies(members, null);
    }

    /** A one-member ensemble that scores exactly as the member (weighted errors included), before normalisation. */
    static EnsembleModel unscaled(EnsembleSpec spec, AnomalyModel member, double[] errorWeights) {
        List<double[]> weights = new ArrayList<>();
        weights.add(errorWeights);
        return new EnsembleModel(spec.withMeanCombine(), List.of(member), List.of(new ScoreScale(0.0, 1.0)), weights,
                none(1));
    }

    public List<AnomalyModel> members() {
        return members;
    }

    /** Member i alone as a model whose score is that member's normalised score (for diagnostics). */
    public EnsembleModel memberView(int i) {
        List<double[]> weights = new ArrayList<>();
        weights.add(errorWeights.get(i));
        return new EnsembleModel(spec.withMeanCombine(), List.of(members.get(i)), List.of(scales.get(i)), weights,
                none(1));
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
        List<double[]> terms = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            terms.add(memberScores(i, batch));
            LatentTerm latent = latentTerms.get(i);
            if (latent != null) {
                double[] d = latent.density().distances(((LatentSpace) members.get(i)).latent(batch));
                for (int r = 0; r < rows; r++) {
                    d[r] = latent.scale().normalise(d[r]);
                }
                terms.add(d);
            }
        }
        double[] out = new double[rows];
        double[] column = new double[terms.size()];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < column.length; t++) {
                column[t] = terms.get(t)[r];
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
            out.writeBoolean(spec.latentDistance());
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
                LatentTerm latent = latentTerms.get(i);
                out.writeBoolean(latent != null);
                if (latent != null) {
                    out.writeDouble(latent.scale().centre());
                    out.writeDouble(latent.scale().spread());
                    double[] mean = latent.density().mean();
                    out.writeInt(mean.length);
                    for (double m : mean) {
                        out.writeDouble(m);
                    }
                    for (double[] row : latent.density().precision()) {
                        for (double p : row) {
                            out.writeDouble(p);
                        }
                    }
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
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new LakeadException("The ensemble is corrupt: not a lakead ensemble");
            }
            boolean v2 = magic == MAGIC;
            List<String> types = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                types.add(in.readUTF());
            }
            List<Double> factors = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                factors.add(in.readDouble());
            }
            EnsembleSpec spec = new EnsembleSpec(types, factors, in.readDouble(), in.readUTF(), in.readBoolean(),
                    v2 && in.readBoolean());
            List<AnomalyModel> members = new ArrayList<>();
            List<ScoreScale> scales = new ArrayList<>();
            List<double[]> weights = new ArrayList<>();
            List<LatentTerm> latentTerms = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                String type = in.readUTF();
                scales.add(new ScoreScale(in.readDouble(), in.readDouble()));
                double[] w = new double[in.readInt()];
                for (int j = 0; j < w.length; j++) {
                    w[j] = in.readDouble();
                }
                weights.add(w.length == 0 ? null : w);
                latentTerms.add(v2 && in.readBoolean() ? readLatentTerm(in) : null);
                byte[] member = new byte[in.readInt()];
                in.readFully(member);
                members.add(ModelFamilies.get(type).decode(member));
            }
            return new EnsembleModel(spec, members, scales, weights, latentTerms);
        } catch (IOException | IllegalArgumentException e) {
            throw new LakeadException("The ensemble is corrupt: " + e.getMessage(), e);
        }
    }

    private static LatentTerm readLatentTerm(DataInputStream in) throws IOException {
        ScoreScale scale = new ScoreScale(in.readDouble(), in.readDouble());
        int k = in.readInt();
        if (k <= 0 || k > 1 << 16) {
            throw new IOException("latent size " + k);
        }
        double[] mean = new double[k];
        for (int j = 0; j < k; j++) {
            mean[j] = in.readDouble();
        }
        double[][] precision = new double[k][k];
        for (double[] row : precision) {
            for (int j = 0; j < k; j++) {
                row[j] = in.readDouble();
            }
        }
        return new LatentTerm(new LatentDensity(mean, precision), scale);
    }

    @Override
    public AnomalyModel copy() {
        List<AnomalyModel> copies = new ArrayList<>();
        for (AnomalyModel m : members) {
            copies.add(m.copy());
        }
        return new EnsembleModel(spec, copies, scales, errorWeights, latentTerms);
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
            if (latentTerms.get(i) != null) {
                member.put("latent_distance_median", latentTerms.get(i).scale().centre());
                member.put("latent_distance_spread", latentTerms.get(i).scale().spread());
            }
            member.put("hyperparameters", members.get(i).hyperparameters());
            list.add(member);
        }
        m.put("member_models", list);
        return m;
    }
}
