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
 * A trained ensemble: every member scores the batch, each score is normalised by that member's training-score
 * {@link ScoreScale}, and the normalised scores are combined (mean or median) into one anomaly score per row.
 * The bundle holds all members in one byte array (each in its own family's format).
 */
public final class EnsembleModel implements AnomalyModel {
    public static final String TYPE = "ensemble";
    private static final int MAGIC = 0x1ADE_E45B;

    private final EnsembleSpec spec;
    private final List<AnomalyModel> members;
    private final List<ScoreScale> scales;

    EnsembleModel(EnsembleSpec spec, List<AnomalyModel> members, List<ScoreScale> scales) {
        if (members.isEmpty() || members.size() != scales.size()) {
            throw new IllegalArgumentException("one scale per member expected");
        }
        this.spec = spec;
        this.members = List.copyOf(members);
        this.scales = List.copyOf(scales);
    }

    public List<AnomalyModel> members() {
        return members;
    }

    /** Member i's normalised scores of a batch (for diagnostics and tests). */
    public double[] memberScores(int i, INDArray batch) {
        double[] raw = members.get(i).score(batch);
        ScoreScale scale = scales.get(i);
        for (int r = 0; r < raw.length; r++) {
            raw[r] = scale.normalise(raw[r]);
        }
        return raw;
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
            out[r] = EnsembleSpec.MEDIAN.equals(spec.combine()) ? median(column) : mean(column);
        }
        return out;
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
            for (int i = 0; i < members.size(); i++) {
                byte[] member = members.get(i).toBytes();
                out.writeUTF(members.get(i).type());
                out.writeDouble(scales.get(i).centre());
                out.writeDouble(scales.get(i).spread());
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
            EnsembleSpec spec = new EnsembleSpec(types, factors, in.readDouble(), in.readUTF());
            List<AnomalyModel> members = new ArrayList<>();
            List<ScoreScale> scales = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                String type = in.readUTF();
                scales.add(new ScoreScale(in.readDouble(), in.readDouble()));
                byte[] member = new byte[in.readInt()];
                in.readFully(member);
                members.add(ModelFamilies.get(type).decode(member));
            }
            return new EnsembleModel(spec, members, scales);
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
        return new EnsembleModel(spec, copies, scales);
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
            member.put("hyperparameters", members.get(i).hyperparameters());
            list.add(member);
        }
        m.put("member_models", list);
        return m;
    }
}
