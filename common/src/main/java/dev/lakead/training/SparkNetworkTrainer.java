package dev.lakead.training;

import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.TaskDevices;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;

/**
 * Trains a DL4J network on the executors with DL4J Spark's {@link ParameterAveragingTrainingMaster}: each worker
 * fits {@code averagingFrequency} mini-batches on its shard, then the driver averages parameters (and Adam state)
 * and broadcasts them again. Logs the loss per epoch, evaluates a holdout on the executors, and stops early.
 */
public final class SparkNetworkTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkNetworkTrainer.class);

    private SparkNetworkTrainer() {
    }

    public record Result(MultiLayerNetwork network, TrainingHistory history) {
    }

    /** Autoencoder training: the target of each row is the row itself. */
    public static Result fitAutoencoder(MultiLayerNetwork network, Dataset<Row> features, TrainingOptions opt) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(features.sparkSession().sparkContext());
        HoldoutSplit split = HoldoutSplit.of(features, opt);
        Dataset<Row> trainRows = split.train();
        Dataset<Row> holdoutRows = split.holdout();
        String col = FeaturePipeline.FEATURES;
        int workers = workers(sc, opt);
        // One shuffle up front into one balanced partition per worker; DL4J's default would shuffle the
        // serialized mini-batches again before every averaging round.
        JavaRDD<DataSet> train = DataSetRdds.autoencoderBatches(trainRows, col, opt.batchSizePerWorker())
                .repartition(workers)
                .persist(opt.storageLevel());
        JavaRDD<DataSet> holdout = holdoutRows == null ? null
                : DataSetRdds.autoencoderBatches(holdoutRows, col, opt.batchSizePerWorker())
                .persist(opt.storageLevel());
        try {
            return fit(sc, network, train, holdout, opt);
        } finally {
            train.unpersist(false);
            if (holdout != null) {
                holdout.unpersist(false);
            }
        }
    }

    public static int workers(JavaSparkContext sc, TrainingOptions opt) {
        return opt.workers() > 0 ? opt.workers() : sc.defaultParallelism();
    }

    /** What every task of DL4J's training and holdout scoring runs first (production: {@link TaskDevices#use()}). */
    interface TaskStart extends Serializable {
        void run();
    }

    /**
     * The mini-batches as DL4J's training master gets them: each task first runs {@code first}. Spark computes a
     * partition's parent before it calls the child's function, so this runs on the task thread before DL4J's worker
     * builds its network and fits: DL4J's tasks are DL4J's code, and this is the one place of ours inside them. It
     * holds for the direct approach, whose worker tasks read these partitions (one per worker already, so DL4J does
     * not repartition; nor may it cache this view: see {@code storageLevel(null)}); with {@code export} the
     * workers read exported files in tasks of their own.
     */
    static <T> JavaRDD<T> onTaskStart(JavaRDD<T> rdd, TaskStart first) {
        return rdd.mapPartitions(it -> {
            first.run();
            return it;
        }, true);
    }

    /** Fits on ready mini-batches (labels included), persisted by the caller; {@code holdout} may be null. */
    public static Result fit(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<DataSet> train,
                      JavaRDD<DataSet> holdout, TrainingOptions opt) {
        return fit(sc, network, train, holdout, opt, TaskDevices::use); // each task on its GPU (CUDA)
    }

    /** As {@link #fit(JavaSparkContext, MultiLayerNetwork, JavaRDD, JavaRDD, TrainingOptions)}, with the task start. */
    static Result fit(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<DataSet> train,
                      JavaRDD<DataSet> holdout, TrainingOptions opt, TaskStart taskStart) {
        long trainCount = train.map(DataSet::numExamples).fold(0, Integer::sum);
        long holdoutCount = holdout == null ? 0 : holdout.map(DataSet::numExamples).fold(0, Integer::sum);
        if (trainCount == 0) {
            throw new dev.lakead.LakeadException("No training rows: the prepared training data is empty");
        }
        int workers = workers(sc, opt);
        ParameterAveragingTrainingMaster.Builder tmb = new ParameterAveragingTrainingMaster.Builder(workers,
                opt.batchSizePerWorker())
                .batchSizePerWorker(opt.batchSizePerWorker())
                .averagingFrequency(opt.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .saveUpdater(true)
                .rngSeed(opt.seed())
                // no second cache: the callers persist train and holdout, and DL4J would cache the onTaskStart
                // view of them, whose later tasks then read that cache without running the task start
                .storageLevel(null)
                .repartionData(Repartition.NumPartitionsWorkersDiffers)
                .rddTrainingApproach("export".equals(opt.rddTrainingApproach())
                        ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct);
        if (!opt.exportDirectory().isBlank()) {
            tmb.exportDirectory(opt.exportDirectory());
        }
        TrainingHistory history = new TrainingHistory();
        history.trainingRows(trainCount);
        history.holdoutRows(holdoutCount);
        history.workers(workers);
        EarlyStopping<INDArray> stopper = new EarlyStopping<>(opt.earlyStoppingPatience());
        int firstEpoch = 1;
        dev.lakead.io.HadoopFiles files = new dev.lakead.io.HadoopFiles(sc.hadoopConfiguration());
        TrainingCheckpoint resumed = TrainingCheckpoint.load(files, opt.checkpointDir());
        if (resumed != null && resumed.state() instanceof byte[] saved) {
            MultiLayerNetwork restored = restore(saved);
            if (restored != null && restored.numParams() == network.numParams()) {
                network = restored;
                @SuppressWarnings("unchecked")
                EarlyStopping<INDArray> savedStopper = (EarlyStopping<INDArray>) resumed.stopper();
                stopper = savedStopper;
                history = resumed.history();
                firstEpoch = resumed.finished() ? opt.epochs() + 1 : resumed.epoch() + 1;
            } else {
                LOG.warn("The checkpoint in {} is of another network; starting from epoch 1", opt.checkpointDir());
            }
        }
        SparkDl4jMultiLayer sparkNet = null;
        LOG.info("Training on {} rows ({} held out) with {} workers, batch {} per worker, averaging every {} batches,"
                        + " {} epochs, {} approach", trainCount, holdoutCount, workers, opt.batchSizePerWorker(),
                opt.averagingFrequency(), opt.epochs(), opt.rddTrainingApproach());

        // a holdout too small to keep a row (tiny tables) is no holdout: stop on the training loss instead
        JavaRDD<DataSet> validation = holdoutCount > 0 ? holdout : null;
        JavaRDD<DataSet> trainOnDevice = onTaskStart(train, taskStart);
        JavaRDD<DataSet> holdoutOnDevice = validation == null ? null : onTaskStart(validation, taskStart);
        for (int epoch = firstEpoch; epoch <= opt.epochs(); epoch++) {
            long t0 = System.nanoTime();
            // a training master per epoch, seeded by the epoch: its shuffles then depend on the epoch, not on how
            // many epochs this JVM has run, so a run resumed from a checkpoint trains as the uninterrupted one
            sparkNet = new SparkDl4jMultiLayer(sc, sparkNet == null ? network : sparkNet.getNetwork(),
                    tmb.rngSeed(opt.seed() * 1_000_003L + epoch).build());
            SparkDl4jMultiLayer current = sparkNet;
            current.fit(trainOnDevice);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double trainLoss = sparkNet.getScore();
            double valLoss = validation == null ? Double.NaN
                    : sparkNet.calculateScore(holdoutOnDevice, true, opt.batchSizePerWorker());
            history.add(new TrainingHistory.Epoch(epoch, trainLoss, valLoss, seconds, trainCount));
            TrainingHistory.logEpoch(LOG, history, opt.epochs());
            boolean stop = stopper.shouldStop(epoch, validation == null ? trainLoss : valLoss,
                    () -> validation == null ? null : current.getNetwork().params().dup()) && validation != null;
            boolean last = stop || epoch == opt.epochs();
            if (TrainingCheckpoint.due(opt, epoch, last)) {
                new TrainingCheckpoint(epoch, serialize(sparkNet.getNetwork()), history, stopper, last)
                        .save(files, opt.checkpointDir());
            }
            if (stop) {
                TrainingHistory.logEarlyStop(LOG, stopper.sinceBest(), stopper.best(), stopper.bestEpoch());
                history.stoppedEarly(true);
                break;
            }
        }
        MultiLayerNetwork trained = sparkNet == null ? network : sparkNet.getNetwork();
        if (stopper.bestState() != null) {
            trained.setParams(stopper.bestState());
        }
        history.bestEpoch(stopper.bestEpoch());
        return new Result(trained, history);
    }

    /** The network with its optimiser state (DL4J's own format), for a checkpoint. */
    private static byte[] serialize(MultiLayerNetwork net) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            org.deeplearning4j.util.ModelSerializer.writeModel(net, out, true);
        } catch (java.io.IOException e) {
            throw new dev.lakead.LakeadException("Cannot serialize the network for a checkpoint: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static MultiLayerNetwork restore(byte[] bytes) {
        try {
            return org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                    new java.io.ByteArrayInputStream(bytes), true);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Cannot restore the checkpointed network ({})", e.toString());
            return null;
        }
    }
}
