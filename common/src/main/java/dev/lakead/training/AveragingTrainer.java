package dev.lakead.training;

import dev.lakead.LakeadException;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.TaskDevices;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;
import scala.runtime.AbstractFunction2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Our own parameter-averaging rounds on Spark, for models DL4J's training master cannot drive: the driver
 * broadcasts the flat parameter vector, every partition (one per worker) fits {@code averagingFrequency} of its
 * mini-batches with its {@link LocalTrainer}, and the driver averages the parameters they return. An epoch is as
 * many rounds as it takes every worker to see each of its batches once (in a fresh order per epoch). A trainer
 * that exposes its optimiser state ({@link LocalTrainer#updaterState()}) has it averaged and broadcast with the
 * parameters; one that reports loss components (a GAN's D and G losses) has them logged and kept per round.
 */
public final class AveragingTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(AveragingTrainer.class);

    private AveragingTrainer() {
    }

    public record Result(float[] params, TrainingHistory history) {
    }

    /** What a checkpoint keeps of this trainer: the averaged parameters and optimiser state after an epoch. */
    record State(float[] params, float[] updater) implements Serializable {
    }

    /** What the driver broadcasts to a round: the averaged parameters and, when averaged too, optimiser state. */
    record RoundInput(float[] params, float[] updater) implements Serializable {
    }

    /**
     * What one partition returns from a round (summed over partitions on the driver): its parameters and
     * optimiser state (to be averaged), rows seen, summed loss and summed loss components. Parameters travel and are
     * summed as floats, as they are trained: half the bytes of doubles per round, and a sum over a few workers
     * loses nothing a float mean would keep. On the driver the arrays are its own (deserialised results), so the
     * sum and the mean reuse them rather than allocating 2 MB per worker and round.
     */
    record RoundResult(float[] params, float[] updater, int workers, long rows, double lossSum,
                       List<String> componentNames, double[] components) implements Serializable {
        /** No worker's result: the sum's start, and what a partition without batches left this round returns. */
        static final RoundResult NONE = new RoundResult(null, null, 0, 0, 0, List.of(), null);

        /** This result and {@code o} summed; adds {@code o}'s arrays into this one's. */
        RoundResult plus(RoundResult o) {
            if (params == null) {
                return o;
            }
            if (o.params == null) {
                return this;
            }
            return new RoundResult(addInto(params, o.params), addInto(updater, o.updater), workers + o.workers,
                    rows + o.rows, lossSum + o.lossSum, componentNames, sum(components, o.components));
        }

        private static float[] addInto(float[] a, float[] b) {
            if (a == null || b == null) {
                return null;
            }
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        }

        private static double[] sum(double[] a, double[] b) {
            if (a == null || b == null) {
                return null;
            }
            double[] s = a.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += b[i];
            }
            return s;
        }

        /** {@code sums} (one of this result's arrays) divided by the worker count, in place. */
        float[] mean(float[] sums) {
            if (sums == null) {
                return null;
            }
            for (int i = 0; i < sums.length; i++) {
                sums[i] /= workers;
            }
            return sums;
        }
    }

    private static float[] copy(float[] v) {
        return v == null ? null : v.clone();
    }

    /**
     * {@link #train} on the feature vectors of {@code features}, as the dense families train: a holdout of
     * train.holdout-fraction (none when 0) and mini-batches of train.batch-size-per-worker rows.
     */
    public static Result trainOnFeatures(Dataset<Row> features, LocalTrainer.Factory factory, float[] initial,
                                         TrainingOptions opt) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(features.sparkSession().sparkContext());
        HoldoutSplit split = HoldoutSplit.of(features, opt);
        JavaRDD<MiniBatch> train = DataSetRdds.miniBatches(split.train(), FeaturePipeline.FEATURES,
                opt.batchSizePerWorker());
        JavaRDD<MiniBatch> holdout = split.holdout() == null ? null
                : DataSetRdds.miniBatches(split.holdout(), FeaturePipeline.FEATURES, opt.batchSizePerWorker());
        return train(sc, train, holdout, factory, initial, opt);
    }

    public static Result train(JavaSparkContext sc, JavaRDD<MiniBatch> batches, JavaRDD<MiniBatch> holdoutBatches,
                               LocalTrainer.Factory factory, float[] initial, TrainingOptions opt) {
        int workers = SparkNetworkTrainer.workers(sc, opt);
        // One partition per worker, cached deserialized: each round picks a few batches by position.
        JavaRDD<MiniBatch> train = batches.repartition(workers).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<MiniBatch> holdout = holdoutBatches == null ? null
                : holdoutBatches.persist(StorageLevel.MEMORY_AND_DISK());
        String runId = UUID.randomUUID().toString();
        try {
            List<Integer> perPartition = train.mapPartitions(it -> {
                int n = 0;
                for (; it.hasNext(); it.next()) {
                    n++;
                }
                return List.of(n).iterator();
            }).collect();
            long rows = train.map(MiniBatch::rows).fold(0, Integer::sum);
            long holdoutRows = holdout == null ? 0 : holdout.map(MiniBatch::rows).fold(0, Integer::sum);
            if (rows == 0) {
                throw new LakeadException("No training rows: the prepared training data is empty");
            }
            // a holdout too small to keep a row (tiny tables) is no holdout: stop on the training loss instead
            JavaRDD<MiniBatch> validation = holdoutRows > 0 ? holdout : null;
            int maxBatches = Collections.max(perPartition);
            int rounds = (maxBatches + opt.averagingFrequency() - 1) / opt.averagingFrequency();
            LOG.info("Training on {} rows ({} held out) with {} workers, batch {} per worker, averaging every {} batches"
                            + " ({} rounds per epoch), {} epochs", rows, holdoutRows, workers, opt.batchSizePerWorker(),
                    opt.averagingFrequency(), rounds, opt.epochs());

            TrainingHistory history = new TrainingHistory();
            history.trainingRows(rows);
            history.holdoutRows(holdoutRows);
            history.workers(workers);
            EarlyStopping<float[]> stopper = new EarlyStopping<>(opt.earlyStoppingPatience());
            float[] params = initial.clone();
            float[] updater = null; // optimiser state, once a round has returned one to average
            int firstEpoch = 1;
            dev.lakead.io.HadoopFiles files = new dev.lakead.io.HadoopFiles(sc.hadoopConfiguration());
            TrainingCheckpoint resumed = TrainingCheckpoint.load(files, opt.checkpointDir());
            if (resumed != null && resumed.state() instanceof State st && st.params().length == initial.length) {
                @SuppressWarnings("unchecked")
                EarlyStopping<float[]> saved = (EarlyStopping<float[]>) resumed.stopper();
                history = resumed.history();
                stopper = saved;
                params = st.params();
                updater = st.updater();
                firstEpoch = resumed.finished() ? opt.epochs() + 1 : resumed.epoch() + 1;
            } else if (resumed != null) {
                LOG.warn("The checkpoint in {} is of another model (parameter count differs); starting from epoch 1",
                        opt.checkpointDir());
            }
            for (int epoch = firstEpoch; epoch <= opt.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                long seen = 0;
                double[] componentSums = null;
                List<String> componentNames = List.of();
                for (int round = 0; round < rounds; round++) {
                    RoundResult r = round(sc, train, factory, new RoundInput(params, updater), runId, epoch, round,
                            opt);
                    if (r.workers() == 0) {
                        continue;
                    }
                    params = r.mean(r.params());
                    updater = r.mean(r.updater());
                    TinyMoments.flush(updater); // the shared optimiser state (GAN, encoder): no subnormal moments
                    lossSum += r.lossSum();
                    seen += r.rows();
                    if (r.components() != null && r.components().length > 0) {
                        componentNames = r.componentNames();
                        componentSums = RoundResult.sum(componentSums == null ? new double[r.components().length]
                                : componentSums, r.components());
                        TrainingHistory.Round done = new TrainingHistory.Round(epoch, round, r.workers(), r.rows(),
                                perRow(r.componentNames(), r.components(), r.rows()));
                        history.addRound(done);
                        TrainingHistory.logRound(LOG, done, rounds);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double trainLoss = lossSum / Math.max(1, seen);
                double valLoss = validation == null ? Double.NaN : holdoutLoss(sc, validation, factory, params, opt.seed());
                history.add(new TrainingHistory.Epoch(epoch, trainLoss, valLoss, seconds, seen,
                        componentSums == null ? Map.of() : perRow(componentNames, componentSums, seen)));
                TrainingHistory.logEpoch(LOG, history, opt.epochs());
                float[] snapshot = params;
                if (!Double.isFinite(trainLoss)) {
                    throw new LakeadException("Training diverged at epoch " + epoch + " (loss " + trainLoss
                            + "); lower the learning rate (model.learning-rate, model.anogan.learning-rate for"
                            + " AnoGAN)");
                }
                boolean stop = stopper.shouldStop(epoch, validation == null ? trainLoss : valLoss,
                        () -> validation == null ? null : snapshot.clone()) && validation != null;
                boolean last = stop || epoch == opt.epochs();
                if (TrainingCheckpoint.due(opt, epoch, last)) {
                    new TrainingCheckpoint(epoch, new State(params, updater), history, stopper, last).save(files,
                            opt.checkpointDir());
                }
                if (stop) {
                    TrainingHistory.logEarlyStop(LOG, stopper.sinceBest(), stopper.best(), stopper.bestEpoch());
                    history.stoppedEarly(true);
                    break;
                }
            }
            history.bestEpoch(stopper.bestEpoch());
            return new Result(stopper.bestState() != null ? stopper.bestState() : params, history);
        } finally {
            train.unpersist(false);
            if (holdout != null) {
                holdout.unpersist(false);
            }
            WorkerTrainers.release(runId);
        }
    }

    private static Map<String, Double> perRow(List<String> names, double[] sums, long rows) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < sums.length; i++) {
            m.put(i < names.size() ? names.get(i) : "loss_" + i, sums[i] / Math.max(1, rows));
        }
        return m;
    }

    private static RoundResult round(JavaSparkContext sc, JavaRDD<MiniBatch> train, LocalTrainer.Factory factory,
                                     RoundInput input, String runId, int epoch, int round, TrainingOptions opt) {
        Broadcast<RoundInput> current = sc.broadcast(input);
        try {
            // each partition's result is added to the sum as it arrives (Spark calls the handler one at a time), so
            // the driver holds the sum and a result or two, not every worker's parameters at once
            RoundResult[] sum = {RoundResult.NONE};
            List<Object> partitions = new ArrayList<>();
            for (int i = 0; i < train.getNumPartitions(); i++) {
                partitions.add(i);
            }
            scala.Function2<Object, RoundResult, BoxedUnit> add = (partition, part) -> {
                sum[0] = sum[0].plus(part);
                return BoxedUnit.UNIT;
            };
            sc.sc().runJob(train.rdd(),
                    new RoundTask(current, factory, runId, epoch, round, opt.averagingFrequency(), opt.seed()),
                    JavaConverters.asScalaBuffer(partitions).toSeq(), add, ClassTag$.MODULE$.apply(RoundResult.class));
            return sum[0];
        } finally {
            current.destroy();
        }
    }

    /**
     * One partition's share of a round: its next {@code k} batches of this epoch's order, fitted from the broadcast
     * parameters. A named class rather than a lambda: Spark's closure cleaner reads and parses the class file of
     * every lambda passed to a job, 5 of a round's 12 ms of scheduling on a local machine (bench/README).
     */
    private static final class RoundTask extends AbstractFunction2<TaskContext, scala.collection.Iterator<MiniBatch>,
            RoundResult> implements Serializable {
        private final Broadcast<RoundInput> current;
        private final LocalTrainer.Factory factory;
        private final String runId;
        private final int epoch;
        private final int round;
        private final int k;
        private final long seed;

        RoundTask(Broadcast<RoundInput> current, LocalTrainer.Factory factory, String runId, int epoch, int round,
                  int k, long seed) {
            this.current = current;
            this.factory = factory;
            this.runId = runId;
            this.epoch = epoch;
            this.round = round;
            this.k = k;
            this.seed = seed;
        }

        @Override
        public RoundResult apply(TaskContext context, scala.collection.Iterator<MiniBatch> it) {
            TaskDevices.use(); // CUDA: this task's GPU (Spark's GPU scheduling); CPU: nothing
            int partition = context.partitionId();
            List<MiniBatch> all = new ArrayList<>();
            while (it.hasNext()) {
                all.add(it.next());
            }
            // the same shuffled order for every round of this epoch on this partition
            Collections.shuffle(all, new Random(seed * 31 + epoch * 1_000_003L + partition));
            int from = round * k;
            if (from >= all.size()) {
                return RoundResult.NONE;
            }
            List<MiniBatch> mine = all.subList(from, Math.min(all.size(), from + k));
            LocalTrainer trainer = WorkerTrainers.get(runId, partition, factory);
            RoundInput in = current.value();
            trainer.setParams(in.params());
            if (in.updater() != null) {
                trainer.setUpdaterState(in.updater());
            }
            double loss = trainer.fit(mine, seed ^ (epoch * 7_919L + round * 104_729L + partition));
            long rows = mine.stream().mapToLong(MiniBatch::rows).sum();
            return new RoundResult(trainer.params(), copy(trainer.updaterState()), 1, rows, loss,
                    trainer.lossComponents(), trainer.lastComponentSums());
        }
    }

    private static double holdoutLoss(JavaSparkContext sc, JavaRDD<MiniBatch> holdout, LocalTrainer.Factory factory,
                                      float[] params, long seed) {
        Broadcast<float[]> current = sc.broadcast(params);
        try {
            double[] sums = holdout.mapPartitions(it -> {
                TaskDevices.use();
                LocalTrainer t = factory.create();
                t.setParams(current.value());
                double loss = 0;
                long rows = 0;
                while (it.hasNext()) {
                    MiniBatch b = it.next();
                    loss += t.loss(b, seed) * b.rows();
                    rows += b.rows();
                }
                return List.of(new double[]{loss, rows}).iterator();
            }).fold(new double[]{0, 0}, (a, b) -> new double[]{a[0] + b[0], a[1] + b[1]});
            return sums[0] / Math.max(1, sums[1]);
        } finally {
            current.destroy();
        }
    }
}
