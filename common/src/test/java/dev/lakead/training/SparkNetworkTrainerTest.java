package dev.lakead.training;

import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training really goes through the Spark training master: tasks on executors, parameters move, loss falls. */
class SparkNetworkTrainerTest extends SparkTestSupport {

    /** Rows on a 2-D plane inside 6-D space (learnable by a 2-unit bottleneck), spread over 4 partitions. */
    private static Dataset<Row> planeData(int n) {
        Random r = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(a, b, a + b, a - b, 0.5 * a, -b)));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField(FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false)));
        return spark.createDataFrame(rows, schema).repartition(4);
    }

    @Test
    void parameterAveragingTrainsOnTheExecutors() {
        Dataset<Row> data = planeData(2_000);
        assertEquals(4, data.javaRDD().getNumPartitions());
        AutoencoderSpec spec = new AutoencoderSpec(6, List.of(16, 2), "identity", 0.01, 0.0, 1L);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        INDArray before = net.params().dup();

        Set<String> executors = ConcurrentHashMap.newKeySet();
        AtomicInteger tasks = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                tasks.incrementAndGet();
                executors.add(end.taskInfo().executorId());
            }
        };
        spark.sparkContext().addSparkListener(listener);
        TrainingOptions opt = new TrainingOptions(6, 32, 4, 0, "direct", "", 0.2, 0, 3L);
        SparkNetworkTrainer.Result result;
        try {
            result = SparkNetworkTrainer.fitAutoencoder(net, data, opt);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }

        TrainingHistory h = result.history();
        assertEquals(2, h.workers(), "local[2]: two parallel workers");
        assertEquals(6, h.epochs().size());
        assertEquals(2_000, h.trainingRows() + (long) h.asMap().get("holdout_rows"));
        assertTrue(h.epochs().get(5).validationLoss() < h.epochs().get(0).validationLoss() * 0.5,
                "validation loss falls: " + h.epochs());
        assertNotEquals(before, result.network().params(), "parameters changed");
        // 6 epochs x (1600 rows / (2 workers x 32 x 4)) averaging rounds, each a Spark job with one task per worker
        assertTrue(tasks.get() >= 6 * 6 * 2, "Spark tasks ran: " + tasks.get());
        assertTrue(!executors.isEmpty());
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        Dataset<Row> data = planeData(600);
        AutoencoderSpec spec = new AutoencoderSpec(6, List.of(8, 2), "identity", 0.05, 0.0, 2L);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        TrainingOptions opt = new TrainingOptions(40, 32, 2, 0, "direct", "", 0.25, 2, 3L);
        TrainingHistory h = SparkNetworkTrainer.fitAutoencoder(net, data, opt).history();
        List<TrainingHistory.Epoch> epochs = h.epochs();
        double best = epochs.stream().mapToDouble(TrainingHistory.Epoch::validationLoss).min().orElseThrow();
        int bestEpoch = (int) h.asMap().get("best_epoch");
        assertEquals(best, epochs.get(bestEpoch - 1).validationLoss(), 1e-12);
        if ((boolean) h.asMap().get("stopped_early")) {
            assertEquals(bestEpoch + 2, epochs.size(), "stops after 2 epochs without improvement");
        }
    }

    @Test
    void batchesKeepEveryRowExactlyOnce() {
        Dataset<Row> data = planeData(1_001);
        long examples = DataSetRdds.autoencoderBatches(data, FeaturePipeline.FEATURES, 64)
                .map(ds -> (long) ds.numExamples()).reduce(Long::sum);
        assertEquals(1_001, examples);
        assertTrue(DataSetRdds.autoencoderBatches(data, FeaturePipeline.FEATURES, 64)
                .map(ds -> ds.numExamples() <= 64 && ds.getLabels().equals(ds.getFeatures())).reduce(Boolean::logicalAnd));
    }
}
