package dev.lakead.models.anogan;

import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.training.AveragingTrainer;
import dev.lakead.training.DataSetRdds;
import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GAN training goes through Spark: one task per worker and round, G, D and their Adam state averaged. */
class GanTrainingTest extends SparkTestSupport {
    /** What the workers' trainers produced and received (executors share this JVM in local mode). */
    static final List<float[]> FITTED_PARAMS = new CopyOnWriteArrayList<>();
    static final List<float[]> FITTED_STATES = new CopyOnWriteArrayList<>();
    static final List<float[]> RECEIVED_STATES = new CopyOnWriteArrayList<>();

    /** A GAN worker that records its parameters and optimiser state after each fit. */
    static final class Recording implements LocalTrainer {
        private final GanLocalTrainer inner;

        Recording(AnoGanSpec spec) {
            inner = new GanLocalTrainer(spec);
        }

        @Override
        public float[] params() {
            return inner.params();
        }

        @Override
        public void setParams(float[] flat) {
            inner.setParams(flat);
        }

        @Override
        public double fit(List<MiniBatch> batches, long seed) {
            double loss = inner.fit(batches, seed);
            FITTED_PARAMS.add(inner.params());
            FITTED_STATES.add(inner.updaterState());
            return loss;
        }

        @Override
        public double loss(MiniBatch batch, long seed) {
            return inner.loss(batch, seed);
        }

        @Override
        public List<String> lossComponents() {
            return inner.lossComponents();
        }

        @Override
        public double[] lastComponentSums() {
            return inner.lastComponentSums();
        }

        @Override
        public float[] updaterState() {
            return inner.updaterState();
        }

        @Override
        public void setUpdaterState(float[] state) {
            RECEIVED_STATES.add(state.clone());
            inner.setUpdaterState(state);
        }
    }

    @Test
    void eachRoundAveragesBothNetworksAndTheirAdamStateOverThePartitions() {
        // two correlated features; 4 input partitions, 2 workers (local[2])
        Random r = new Random(1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            double a = r.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(a, 0.5 * a + 0.1 * r.nextGaussian(), -a)));
        }
        Dataset<Row> data = spark.createDataFrame(rows, DataTypes.createStructType(List.of(DataTypes.createStructField(
                FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false)))).repartition(4);
        AnoGanSpec spec = new AnoGanSpec(3, 2, List.of(8), List.of(8, 4), List.of(8), AnoGanSpec.IDENTITY, 0.002,
                0.5, 0.1, 1, 0.1, 10, 0.05, AnoGanSpec.SEARCH, 0, 0.001, 5L);
        // 512 rows / 2 workers / batch 32 = 8 batches per worker: averaging every 8 = one round per epoch
        TrainingOptions opt = new TrainingOptions(2, 32, 8, 0, "direct", "", 0.0, 0, 3L);
        FITTED_PARAMS.clear();
        FITTED_STATES.clear();
        RECEIVED_STATES.clear();
        AtomicInteger tasks = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                tasks.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        float[] initial = new GanLocalTrainer(spec).params();
        AveragingTrainer.Result result;
        try {
            result = AveragingTrainer.train(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    DataSetRdds.miniBatches(data, FeaturePipeline.FEATURES, 32), null, () -> new Recording(spec),
                    initial, opt);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }

        TrainingHistory h = result.history();
        assertEquals(2, h.workers());
        assertEquals(4, FITTED_PARAMS.size(), "2 epochs x 1 round x 2 workers");
        assertTrue(tasks.get() >= 4);
        // round 1: both partitions started from the same parameters, trained on different shards
        assertFalse(Arrays.equals(FITTED_PARAMS.get(0), FITTED_PARAMS.get(1)));
        // round 2 started from the mean of round 1's Adam state (step counts included), the result is round 2's mean
        assertEquals(2, RECEIVED_STATES.size());
        float[] meanState = mean(FITTED_STATES.get(0), FITTED_STATES.get(1));
        assertEquals(8, meanState[0], 0f, "8 D steps per worker");
        assertArrayEquals(meanState, RECEIVED_STATES.get(0), 1e-6f);
        assertArrayEquals(meanState, RECEIVED_STATES.get(1), 1e-6f);
        assertArrayEquals(mean(FITTED_PARAMS.get(2), FITTED_PARAMS.get(3)), result.params(), 1e-6f);
        assertFalse(Arrays.equals(initial, result.params()));

        // both losses per round and per epoch, kept for the bundle
        assertEquals(2, h.rounds().size());
        for (TrainingHistory.Round round : h.rounds()) {
            assertEquals(2, round.workers());
            assertEquals(512, round.rows());
            assertEquals(List.of("d_loss", "g_loss"), List.copyOf(round.components().keySet()));
            double d = round.components().get("d_loss");
            assertTrue(d > 0.3 && d < 1.5, "D's binary cross-entropy near log 2 early on: " + d);
        }
        TrainingHistory.Epoch first = h.epochs().get(0);
        assertEquals(first.trainLoss(), first.components().get("d_loss") + first.components().get("g_loss"), 1e-9);
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> stored = (List<java.util.Map<String, Object>>) h.asMap().get("rounds");
        assertEquals(2, stored.size());
        assertTrue(stored.get(1).containsKey("g_loss"));
    }

    private static float[] mean(float[] a, float[] b) {
        float[] m = new float[a.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (((double) a[i] + b[i]) / 2);
        }
        return m;
    }
}
