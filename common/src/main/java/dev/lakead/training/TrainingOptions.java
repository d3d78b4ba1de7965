package dev.lakead.training;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.apache.spark.storage.StorageLevel;

/**
 * The train.* settings for distributed training. {@code checkpointDir} (empty = none) is where this training writes
 * its checkpoint every {@code checkpointEvery} epochs, and resumes from one it finds there. {@code engine} is what
 * trains a network DL4J could fit itself (the dense Autoencoder): {@link #DENSE} or {@link #DL4J}.
 */
public record TrainingOptions(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
                              String rddTrainingApproach, String exportDirectory, double holdoutFraction,
                              int earlyStoppingPatience, long seed, String storageLevelName, String checkpointDir,
                              int checkpointEvery, String engine) {

    /** Our dense back-propagation in {@link AveragingTrainer}'s rounds, the trainer kept between rounds. */
    public static final String DENSE = "dense";
    /** DL4J's {@code MultiLayerNetwork.fit} in its Spark training master ({@link SparkNetworkTrainer}). */
    public static final String DL4J = "dl4j";

    public TrainingOptions(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
                           String rddTrainingApproach, String exportDirectory, double holdoutFraction,
                           int earlyStoppingPatience, long seed, String storageLevelName, String checkpointDir,
                           int checkpointEvery) {
        this(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach, exportDirectory,
                holdoutFraction, earlyStoppingPatience, seed, storageLevelName, checkpointDir, checkpointEvery, DENSE);
    }

    public TrainingOptions(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
                           String rddTrainingApproach, String exportDirectory, double holdoutFraction,
                           int earlyStoppingPatience, long seed, String storageLevelName) {
        this(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach, exportDirectory,
                holdoutFraction, earlyStoppingPatience, seed, storageLevelName, "", 0);
    }

    /** The common case: mini-batches cached serialized in memory, spilling to disk. */
    public TrainingOptions(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
                           String rddTrainingApproach, String exportDirectory, double holdoutFraction,
                           int earlyStoppingPatience, long seed) {
        this(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach, exportDirectory,
                holdoutFraction, earlyStoppingPatience, seed, "MEMORY_AND_DISK_SER");
    }

    /**
     * The options of one of several trainings inside a model's training (AnoGAN's GAN and encoder, an ensemble's
     * members): their checkpoints go to their own sub-directory.
     */
    public TrainingOptions withCheckpointPart(String part) {
        return checkpointDir.isBlank() ? this : new TrainingOptions(epochs, batchSizePerWorker, averagingFrequency,
                workers, rddTrainingApproach, exportDirectory, holdoutFraction, earlyStoppingPatience, seed,
                storageLevelName, checkpointDir + "/" + part, checkpointEvery, engine);
    }

    /** The same options with another {@link #engine()}. */
    public TrainingOptions withEngine(String other) {
        return new TrainingOptions(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach,
                exportDirectory, holdoutFraction, earlyStoppingPatience, seed, storageLevelName, checkpointDir,
                checkpointEvery, other);
    }

    public boolean denseEngine() {
        return DENSE.equals(engine);
    }

    /** The same options with another seed (an ensemble's members: model.seed + the member's index). */
    public TrainingOptions withSeed(long seed) {
        return new TrainingOptions(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach,
                exportDirectory, holdoutFraction, earlyStoppingPatience, seed, storageLevelName, checkpointDir,
                checkpointEvery, engine);
    }

    /** The same options checkpointing to {@code dir} (the train step's folder when train.checkpoint-dir is empty). */
    public TrainingOptions withCheckpointDir(String dir) {
        return new TrainingOptions(epochs, batchSizePerWorker, averagingFrequency, workers, rddTrainingApproach,
                exportDirectory, holdoutFraction, earlyStoppingPatience, seed, storageLevelName, dir, checkpointEvery,
                engine);
    }

    public StorageLevel storageLevel() {
        return StorageLevel.fromString(storageLevelName);
    }

    public static TrainingOptions from(Settings s) {
        double holdout = s.number("train.holdout-fraction");
        if (holdout < 0 || holdout >= 1) {
            throw new LakeadException("Setting 'train.holdout-fraction' must be in [0, 1), got " + holdout);
        }
        int workers = s.integer("train.workers");
        if (workers < 0) {
            throw new LakeadException("Setting 'train.workers' must be >= 0 (0 = Spark's default parallelism)");
        }
        String approach = s.choice("train.rdd-training-approach", "direct", "export");
        String exportDir = s.string("train.export-directory");
        return new TrainingOptions(s.positiveInt("train.epochs"), s.positiveInt("train.batch-size-per-worker"),
                s.positiveInt("train.averaging-frequency"), workers, approach, exportDir, holdout,
                Math.max(0, s.integer("train.early-stopping-patience")), NetworkSpec.seed(s),
                storageLevel(s), checkpointDir(s), Math.max(0, s.integer("train.checkpoint-every")),
                s.choice("train.engine", DENSE, DL4J));
    }

    /** train.checkpoint-dir ("" = the train step's own folder under the model's versions). */
    public static String checkpointDir(Settings s) {
        return s.string("train.checkpoint-dir");
    }

    private static String storageLevel(Settings s) {
        String name = s.required("train.storage-level").trim().toUpperCase();
        try {
            StorageLevel.fromString(name);
        } catch (IllegalArgumentException e) {
            throw new LakeadException("Setting 'train.storage-level' must be a Spark storage level such as"
                    + " MEMORY_ONLY or MEMORY_AND_DISK_SER, got '" + s.string("train.storage-level") + "'");
        }
        return name;
    }
}
