package dev.lakead.training;

import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
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
import java.util.Map;
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

    /**
     * Early stopping forced: 24 training rows and a wide network overfit (the holdout loss falls, then rises), so
     * training stops {@code patience} epochs after the best one, and the network returned has exactly the best
     * epoch's holdout loss, not the last one's.
     */
    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        Dataset<Row> train = noisyPlane(24, 21);
        Dataset<Row> holdout = noisyPlane(400, 22);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DataSet> trainBatches = DataSetRdds.autoencoderBatches(train, FeaturePipeline.FEATURES, 8)
                .repartition(2).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<DataSet> holdoutBatches = DataSetRdds.autoencoderBatches(holdout, FeaturePipeline.FEATURES, 400)
                .persist(StorageLevel.MEMORY_AND_DISK());
        AutoencoderSpec spec = new AutoencoderSpec(6, List.of(64, 5), "identity", 0.01, 0.0, 2L);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        int patience = 3;
        TrainingOptions opt = new TrainingOptions(300, 8, 1, 2, "direct", "", 0.0, patience, 3L);
        SparkNetworkTrainer.Result result = SparkNetworkTrainer.fit(sc, net, trainBatches, holdoutBatches, opt);
        TrainingHistory h = result.history();
        List<TrainingHistory.Epoch> epochs = h.epochs();
        int bestEpoch = (int) h.asMap().get("best_epoch");
        double best = epochs.stream().mapToDouble(TrainingHistory.Epoch::validationLoss).min().orElseThrow();
        assertEquals(best, epochs.get(bestEpoch - 1).validationLoss(), 1e-12);
        assertTrue((boolean) h.asMap().get("stopped_early"), "the holdout loss rose: training stopped early");
        assertEquals(bestEpoch + patience, epochs.size(), "stops " + patience + " epochs after the best");
        double last = epochs.get(epochs.size() - 1).validationLoss();
        assertTrue(last > best * (1 + 1e-3), "the last epoch is worse than the best: " + last + " vs " + best);
        // the network returned is the best epoch's: its holdout loss is the best one, not the last one
        DataSet all = holdoutBatches.first();
        double restored = result.network().score(all, false);
        assertEquals(best, restored, best * 1e-4, "restored network's holdout loss");
        trainBatches.unpersist();
        holdoutBatches.unpersist();
    }

    /** The plane data plus independent noise on every feature (so a wide network can memorise a few rows). */
    private static Dataset<Row> noisyPlane(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            double[] v = {a, b, a + b, a - b, 0.5 * a, -b};
            for (int j = 0; j < v.length; j++) {
                v[j] += 0.3 * r.nextGaussian();
            }
            rows.add(RowFactory.create(Vectors.dense(v)));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField(FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false)));
        return spark.createDataFrame(rows, schema).coalesce(1);
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

    /** Task attempts that ran the task start (local mode: the tasks run in this JVM). */
    private static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();

    @Test
    void everyDl4jTrainingAndHoldoutTaskRunsTheTaskStartFirst() throws Exception {
        Dataset<Row>[] parts = planeData(1_200).randomSplit(new double[]{0.8, 0.2}, 7);
        JavaRDD<DataSet> train = DataSetRdds.autoencoderBatches(parts[0], FeaturePipeline.FEATURES, 32)
                .repartition(2).persist(StorageLevel.MEMORY_AND_DISK_SER());
        JavaRDD<DataSet> holdout = DataSetRdds.autoencoderBatches(parts[1], FeaturePipeline.FEATURES, 32)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        AutoencoderSpec spec = new AutoencoderSpec(6, List.of(8, 2), "identity", 0.01, 0.0, 1L);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();

        Map<Integer, String> stageSites = new ConcurrentHashMap<>();
        Map<Long, Integer> taskStages = new ConcurrentHashMap<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
                StringBuilder sites = new StringBuilder();
                submitted.stageInfo().rddInfos().foreach(r -> sites.append(r.callSite()).append(" | "));
                stageSites.put(submitted.stageInfo().stageId(), sites.toString());
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                taskStages.put(end.taskInfo().taskId(), end.stageId());
            }
        };
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.sparkContext().addSparkListener(listener);
        STARTED.clear();
        try {
            TrainingOptions opt = new TrainingOptions(3, 32, 4, 2, "direct", "", 0.0, 0, 3L);
            SparkNetworkTrainer.fit(sc, net, train, holdout, opt,
                    () -> STARTED.add(TaskContext.get().taskAttemptId()));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            // DL4J's worker stages (ExecuteWorkerFlatMap: fit on the shard) and holdout scoring stages (ScoreFlatMap)
            Set<Integer> workerStages = new java.util.TreeSet<>();
            Set<Integer> scoreStages = new java.util.TreeSet<>();
            stageSites.forEach((stage, sites) -> {
                if (sites.contains("mapPartitions at ParameterAveragingTrainingMaster.java")) {
                    workerStages.add(stage);
                }
                if (sites.contains("mapPartitions at SparkDl4jMultiLayer.java")) {
                    scoreStages.add(stage);
                }
            });
            assertTrue(workerStages.size() >= 3, "a training stage per epoch at least: " + stageSites);
            assertEquals(3, scoreStages.size(), "a holdout scoring stage per epoch: " + stageSites);
            int checked = 0;
            for (Map.Entry<Long, Integer> task : taskStages.entrySet()) {
                if (workerStages.contains(task.getValue()) || scoreStages.contains(task.getValue())) {
                    assertTrue(STARTED.contains(task.getKey()), "task " + task.getKey() + " of stage "
                            + task.getValue() + " (" + stageSites.get(task.getValue()) + ") ran no task start");
                    checked++;
                }
            }
            assertTrue(checked >= 2 * workerStages.size(), "two workers' tasks per training stage: " + checked);
            assertEquals(Set.of(train.id(), holdout.id()), sc.getPersistentRDDs().keySet(),
                    "DL4J caches nothing of its own (a cached view would skip the task start)");
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            train.unpersist(false);
            holdout.unpersist(false);
        }
    }
}
