package dev.lakead.training;

import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training whose driver (here: a failing job) dies part way resumes from its last checkpoint: the epochs before
 * it are not trained again, and the result is the uninterrupted run's (exactly for our averaging rounds, whose
 * shuffles are seeded per epoch; within noise for DL4J's training master).
 */
class CheckpointResumeTest extends SparkTestSupport {
    private static final int EPOCHS = 6;

    /** Fits a mean vector by gradient steps (a model small enough to check exactly); fails when told to. */
    static final class MeanTrainer implements LocalTrainer {
        /** Fit calls left before one fails (negative: never), shared by the tasks of this JVM (local mode). */
        static final AtomicInteger FAIL_AFTER = new AtomicInteger(-1);
        static final AtomicInteger FITS = new AtomicInteger();
        private float[] mean = new float[3];
        private float[] velocity = new float[3];

        @Override
        public float[] params() {
            return mean.clone();
        }

        @Override
        public void setParams(float[] flat) {
            mean = flat.clone();
        }

        @Override
        public double fit(List<MiniBatch> batches, long seed) {
            if (FAIL_AFTER.getAndDecrement() == 0) {
                throw new IllegalStateException("executor lost (test)");
            }
            FITS.incrementAndGet();
            double loss = 0;
            for (MiniBatch b : batches) {
                loss += loss(b, seed) * b.rows();
                for (int j = 0; j < 3; j++) {
                    double g = 0;
                    for (int i = 0; i < b.rows(); i++) {
                        g += mean[j] - b.data()[i * 3 + j];
                    }
                    velocity[j] = (float) (0.9 * velocity[j] + g / b.rows());
                    mean[j] -= 0.05f * velocity[j];
                }
            }
            return loss;
        }

        @Override
        public double loss(MiniBatch b, long seed) {
            double s = 0;
            for (int i = 0; i < b.rows(); i++) {
                for (int j = 0; j < 3; j++) {
                    double d = b.data()[i * 3 + j] - mean[j];
                    s += d * d;
                }
            }
            return s / b.rows();
        }

        @Override
        public float[] updaterState() {
            return velocity.clone();
        }

        @Override
        public void setUpdaterState(float[] state) {
            velocity = state.clone();
        }
    }

    private static Dataset<Row> rows(int n) {
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(a + 2, -a, 0.5 * r.nextGaussian() + 1)));
        }
        return spark.createDataFrame(rows, DataTypes.createStructType(List.of(DataTypes.createStructField(
                FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false)))).repartition(2);
    }

    private static TrainingOptions options(String checkpoints) {
        return new TrainingOptions(EPOCHS, 16, 2, 2, "direct", "", 0.0, 0, 5L, "MEMORY_AND_DISK", checkpoints, 1);
    }

    @Test
    void ourAveragingRoundsResumeExactlyWhereTheyStopped() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<MiniBatch> batches = DataSetRdds.miniBatches(rows(400), FeaturePipeline.FEATURES, 16)
                .persist(StorageLevel.MEMORY_AND_DISK());
        MeanTrainer.FAIL_AFTER.set(-1);
        AveragingTrainer.Result straight = AveragingTrainer.train(sc, batches, null, MeanTrainer::new,
                new float[3], options(""));
        int fitsPerEpoch = MeanTrainer.FITS.getAndSet(0) / EPOCHS;

        String dir = path("checkpoints/averaging");
        MeanTrainer.FAIL_AFTER.set(fitsPerEpoch * 4 + 1); // dies during epoch 5
        assertThrows(Exception.class, () -> AveragingTrainer.train(sc, batches, null, MeanTrainer::new, new float[3],
                options(dir)));
        assertTrue(new File(dir, TrainingCheckpoint.FILE).isFile(), "a checkpoint was written before the failure");

        MeanTrainer.FAIL_AFTER.set(-1);
        MeanTrainer.FITS.set(0);
        AveragingTrainer.Result resumed = AveragingTrainer.train(sc, batches, null, MeanTrainer::new, new float[3],
                options(dir));
        assertEquals(2 * fitsPerEpoch, MeanTrainer.FITS.get(), "only epochs 5 and 6 trained again");
        assertArrayEquals(straight.params(), resumed.params(), "the uninterrupted run's parameters");
        assertEquals(EPOCHS, resumed.history().epochs().size());
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(e + 1, resumed.history().epochs().get(e).epoch());
            assertEquals(straight.history().epochs().get(e).trainLoss(), resumed.history().epochs().get(e).trainLoss(),
                    1e-9, "epoch " + (e + 1));
        }

        // a finished checkpoint (the bundle write failed after training): nothing is trained again
        MeanTrainer.FITS.set(0);
        AveragingTrainer.Result again = AveragingTrainer.train(sc, batches, null, MeanTrainer::new, new float[3],
                options(dir));
        assertEquals(0, MeanTrainer.FITS.get());
        assertArrayEquals(straight.params(), again.params());
        batches.unpersist();
    }

    /** Tasks started by DL4J's training (through the task-start hook); the n-th one fails. */
    private static final AtomicInteger TASKS_LEFT = new AtomicInteger(-1);
    /** Static, not captured: the task-start function is serialized to the tasks (a captured counter is a copy). */
    private static final AtomicInteger TASKS_STARTED = new AtomicInteger();

    @Test
    void dl4jTrainingResumesFromItsCheckpoint() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> data = rows(600);
        JavaRDD<DataSet> train = DataSetRdds.autoencoderBatches(data, FeaturePipeline.FEATURES, 16).repartition(2)
                .persist(StorageLevel.MEMORY_AND_DISK());
        AutoencoderSpec spec = new AutoencoderSpec(3, List.of(8, 2), "identity", 0.01, 0.0, 2L);
        TASKS_LEFT.set(-1);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        SparkNetworkTrainer.Result straight = SparkNetworkTrainer.fit(sc, net, train, null, options(""), () -> { });

        String dir = path("checkpoints/dl4j");
        TASKS_STARTED.set(0);
        SparkNetworkTrainer.fit(sc, fresh(spec), train, null, new TrainingOptions(1, 16, 2, 2, "direct", "", 0.0, 0,
                5L, "MEMORY_AND_DISK", "", 0), () -> TASKS_STARTED.incrementAndGet());
        int tasksPerEpoch = TASKS_STARTED.get();
        assertTrue(tasksPerEpoch > 0);
        TASKS_LEFT.set(tasksPerEpoch * 3); // dies in epoch 4
        assertThrows(Exception.class, () -> SparkNetworkTrainer.fit(sc, fresh(spec), train, null, options(dir),
                () -> {
                    if (TASKS_LEFT.getAndDecrement() == 0) {
                        throw new IllegalStateException("executor lost (test)");
                    }
                }));
        assertTrue(new File(dir, TrainingCheckpoint.FILE).isFile());

        SparkNetworkTrainer.Result resumed = SparkNetworkTrainer.fit(sc, fresh(spec), train, null, options(dir),
                () -> { });
        List<TrainingHistory.Epoch> epochs = resumed.history().epochs();
        assertEquals(EPOCHS, epochs.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), epochs.stream().map(TrainingHistory.Epoch::epoch).toList());
        for (int e = 0; e < EPOCHS; e++) { // the training master is seeded per epoch: the same curve
            double want = straight.history().epochs().get(e).trainLoss();
            assertEquals(want, epochs.get(e).trainLoss(), 1e-6 * Math.max(1, want), "epoch " + (e + 1));
        }
        assertEquals(straight.network().params(), resumed.network().params(), "the uninterrupted run's network");
        train.unpersist();
    }

    private static MultiLayerNetwork fresh(AutoencoderSpec spec) {
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        return net;
    }
}
