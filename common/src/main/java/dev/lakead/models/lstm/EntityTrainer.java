package dev.lakead.models.lstm;

import dev.lakead.features.SlidingWindows;
import dev.lakead.models.batch.FeatureReader;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains one entity's LSTM Autoencoder inside one Spark task (the per-entity mode: many small jobs at once) and
 * sets its threshold from the entity's own training records: each record's score aggregates the windows covering
 * it, then the percentile (or mean + k·σ, or the POT quantile) of those scores, times threshold.scale.
 */
record EntityTrainer(LstmAutoencoderSpec spec, int epochs, int batchSize, ThresholdCalculator.Options thresholds,
                     String aggregate, float[] scalingFloors) implements Serializable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EntityTrainer.class);

    /** What a task sends back: the entity's serialized model, threshold, loss per epoch and training seconds. */
    record Result(String entity, byte[] model, EntityScaling scaling, double threshold, double[] epochLoss,
                  int windows, double seconds) implements Serializable {
    }

    Result train(String entity, Iterable<Row> windowRows) {
        long t0 = System.nanoTime();
        List<Row> windows = new ArrayList<>();
        windowRows.forEach(windows::add);
        int width = spec.inputSize();
        int steps = spec.window();
        FeatureReader reader = FeatureReader.windowColumn(width, steps);
        int stepsIndex = windows.get(0).fieldIndex(SlidingWindows.STEPS);

        INDArray all = tensor(windows, reader, stepsIndex);
        EntityScaling scaling = EntityScaling.fit(all, scalingFloors);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        Random rng = new Random(spec.seed() ^ entity.hashCode());
        double[] epochLoss = new double[epochs];
        List<Row> order = new ArrayList<>(windows);
        for (int e = 0; e < epochs; e++) {
            Collections.shuffle(order, rng);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < order.size(); from += batchSize) {
                INDArray x = scaling.apply(tensor(order.subList(from, Math.min(order.size(), from + batchSize)),
                        reader, stepsIndex));
                net.fit(new DataSet(x, x));
                sum += net.score();
                batches++;
            }
            epochLoss[e] = sum / Math.max(1, batches);
        }
        LstmAutoencoderModel network = new LstmAutoencoderModel(net, "mae".equals(spec.loss()), spec.asMap());
        ScaledWindowModel model = new ScaledWindowModel(network, scaling);
        double threshold = threshold(windows, model, reader, stepsIndex);
        // executor log: one line per entity, so a long per-entity run shows its progress
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("Entity '{}': {} windows, {} epochs, loss {} -> {}, threshold {} ({} s)", entity, windows.size(),
                epochs, String.format("%.4g", epochLoss[0]), String.format("%.4g", epochLoss[epochs - 1]),
                String.format("%.4g", threshold), String.format("%.1f", seconds));
        return new Result(entity, network.toBytes(), scaling, threshold, epochLoss, windows.size(), seconds);
    }

    private double threshold(List<Row> windows, ScaledWindowModel model, FeatureReader reader, int stepsIndex) {
        Map<Long, double[]> perRecord = new HashMap<>(); // (segment, pos) -> {sum, max, min, count}
        for (int from = 0; from < windows.size(); from += batchSize) {
            List<Row> part = windows.subList(from, Math.min(windows.size(), from + batchSize));
            double[] errors = model.score(tensor(part, reader, stepsIndex));
            for (int i = 0; i < part.size(); i++) {
                Row w = part.get(i);
                long segment = w.getLong(w.fieldIndex(SlidingWindows.SEGMENT));
                int start = w.getInt(w.fieldIndex(SlidingWindows.START));
                long length = w.getLong(w.fieldIndex(SlidingWindows.SEGMENT_LENGTH));
                for (long p = start; p < Math.min(start + spec.window(), length); p++) {
                    double[] acc = perRecord.computeIfAbsent(segment * 1_000_000_007L + p,
                            x -> new double[]{0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0});
                    acc[0] += errors[i];
                    acc[1] = Math.max(acc[1], errors[i]);
                    acc[2] = Math.min(acc[2], errors[i]);
                    acc[3]++;
                }
            }
        }
        double[] scores = perRecord.values().stream()
                .mapToDouble(a -> "max".equals(aggregate) ? a[1] : "min".equals(aggregate) ? a[2] : a[0] / a[3])
                .sorted().toArray();
        double value;
        if ("mean-std".equals(thresholds.method())) {
            double mean = java.util.Arrays.stream(scores).average().orElse(0);
            double var = java.util.Arrays.stream(scores).map(v -> (v - mean) * (v - mean)).sum()
                    / Math.max(1, scores.length - 1);
            value = mean + thresholds.k() * Math.sqrt(var);
        } else if ("pot".equals(thresholds.method())) {
            value = dev.lakead.thresholds.PeaksOverThreshold.fit(scores, thresholds.potInitialQuantile())
                    .quantile(thresholds.potRisk());
        } else {
            value = scores[Math.min(scores.length - 1, (int) Math.ceil(thresholds.percentile() * scores.length) - 1)];
        }
        return value * thresholds.scale();
    }

    /** Windows as one [n, features, steps] array. */
    private INDArray tensor(List<Row> windows, FeatureReader reader, int stepsIndex) {
        return reader.pack(windows, stepsIndex, spec.inputSize());
    }
}
