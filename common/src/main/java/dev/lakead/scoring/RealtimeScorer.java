package dev.lakead.scoring;

import dev.lakead.LakeadException;
import dev.lakead.bundle.BundleCodec;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.ScalingPlan;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.AnomalyModel;
import dev.lakead.thresholds.Threshold;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real-time path (4.5.5): loads a model bundle without Spark and scores one record or a micro-batch in
 * process — for a streaming consumer or a request/response service. Same imputation, scaling, network and
 * threshold as the batch score job, so the same score to float precision. Not thread-safe: give each thread its
 * own {@link #copy()}.
 *
 * <pre>{@code
 * RealtimeScorer scorer = RealtimeScorer.load("/models/sensor-autoencoder/v3");
 * RealtimeScorer.Scored s = scorer.score(Map.of("temperature", 71.2, "pressure", 1.8, ...));
 * if (s.anomaly()) { ... }
 * }</pre>
 */
public final class RealtimeScorer {
    /** A record's score, decision and the threshold it was compared with. */
    public record Scored(double score, boolean anomaly, double threshold) {
    }

    private final String bundlePath;
    private final List<String> columns;
    private final ScalingPlan plan;
    private final AnomalyModel model;
    private final Threshold threshold;

    private RealtimeScorer(String bundlePath, List<String> columns, ScalingPlan plan, AnomalyModel model,
                           Threshold threshold) {
        this.bundlePath = bundlePath;
        this.columns = List.copyOf(columns);
        this.plan = plan;
        this.model = model;
        this.threshold = threshold;
    }

    /**
     * Loads a bundle directory (local path or any Hadoop file system URI), without starting Spark: the same reader
     * as the batch path ({@link BundleCodec}), with the preprocessing's scaling plan instead of its MLlib pipeline.
     */
    public static RealtimeScorer load(String bundlePath) {
        HadoopFiles files = new HadoopFiles(new org.apache.hadoop.conf.Configuration());
        BundleCodec.Contents bundle = BundleCodec.read(files, bundlePath);
        try {
            bundle.family().requireSingleRecordScoring();
        } catch (LakeadException e) {
            throw new LakeadException("Model bundle " + bundlePath + " is a " + bundle.family().type() + " model: "
                    + e.getMessage(), e);
        }
        Map.Entry<List<String>, ScalingPlan> features = FeaturePipeline.readPlan(files,
                bundlePath + "/" + ModelBundle.PREPROCESSING);
        if (features.getValue() == FeaturePipeline.EMPTY_PLAN) {
            throw new LakeadException("Model bundle " + bundlePath + " predates real-time scoring (no scaling plan"
                    + " in preprocessing/features.json); retrain it with this version");
        }
        BundleCodec.requireConsistent(bundle, features.getKey());
        return new RealtimeScorer(bundlePath, features.getKey(), features.getValue(), bundle.model(),
                bundle.threshold());
    }

    /** The feature columns a record must carry, in the model's order. */
    public List<String> featureColumns() {
        return columns;
    }

    public Threshold threshold() {
        return threshold;
    }

    /** Scores one record (feature name → number; a missing, null or NaN value is imputed as in training). */
    public Scored score(Map<String, ?> record) {
        return scoreBatch(List.of(record)).get(0);
    }

    /** Scores a micro-batch in one network call. */
    public List<Scored> scoreBatch(List<? extends Map<String, ?>> records) {
        double[][] rows = new double[records.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = values(records.get(i));
        }
        double[] scores = scoreValues(rows);
        List<Scored> out = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            double t = threshold.perSegment()
                    ? threshold.valueFor(String.valueOf(records.get(i).get(threshold.segmentColumn())))
                    : threshold.value();
            out.add(new Scored(scores[i], scores[i] > t, t));
        }
        return out;
    }

    /** Scores raw feature values given in {@link #featureColumns()} order (NaN = missing). */
    public double[] scoreValues(double[][] rows) {
        if (rows.length == 0) {
            return new double[0];
        }
        int width = columns.size();
        float[] data = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new LakeadException("A record has " + rows[i].length + " values; the model takes " + width
                        + " " + columns);
            }
            for (int j = 0; j < width; j++) {
                data[i * width + j] = (float) plan.apply(j, rows[i][j]);
            }
        }
        return model.score(Nd4j.create(data, new long[]{rows.length, width}, 'c'));
    }

    private double[] values(Map<String, ?> record) {
        double[] v = new double[columns.size()];
        for (int j = 0; j < v.length; j++) {
            Object x = record.get(columns.get(j));
            if (x == null) {
                if (!record.containsKey(columns.get(j))) {
                    throw new LakeadException("Record has no feature '" + columns.get(j) + "' (model " + bundlePath
                            + " needs " + columns + ")");
                }
                v[j] = Double.NaN;
            } else if (x instanceof Number n) {
                v[j] = n.doubleValue();
            } else {
                throw new LakeadException("Feature '" + columns.get(j) + "' must be a number, got "
                        + x.getClass().getSimpleName() + " '" + x + "'");
            }
        }
        return v;
    }

    /** An independent scorer for another thread (the network is not thread-safe). */
    public RealtimeScorer copy() {
        return new RealtimeScorer(bundlePath, columns, plan, model.copy(), threshold);
    }
}
