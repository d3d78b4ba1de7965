package dev.lakead.training;

import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The state of a training after an epoch, written next to the bundle being trained ({@code train.checkpoint-dir},
 * every {@code train.checkpoint-every} epochs), so that a driver that dies in epoch 37 of 40 resumes at epoch 37,
 * not 1: the model's parameters and optimiser state, the history so far and early stopping's best epoch. The train
 * step removes the checkpoints once the bundle is written.
 *
 * @param state    the trainer's own state: flat parameters and optimiser state, or a serialized DL4J network
 * @param stopper  early stopping's state (best loss, epoch and parameters)
 * @param finished training ended (all epochs, or stopped early): a resume returns the result at once
 */
public record TrainingCheckpoint(int epoch, Serializable state, TrainingHistory history,
                                 EarlyStopping<? extends Serializable> stopper, boolean finished)
        implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpoint.class);
    static final String FILE = "checkpoint.bin";

    /** Writes this checkpoint over the previous one (atomically: a crash while writing keeps the previous). */
    void save(HadoopFiles files, String dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (IOException e) {
            throw new LakeadException("Cannot serialize the training checkpoint: " + e.getMessage(), e);
        }
        files.mkdirs(dir);
        files.replaceBytes(dir + "/" + FILE, bytes.toByteArray());
        LOG.info("Checkpoint after epoch {} written to {}", epoch, dir);
    }

    /** The checkpoint in {@code dir}, or null when there is none or it cannot be read (then training starts over). */
    static TrainingCheckpoint load(HadoopFiles files, String dir) {
        String path = dir + "/" + FILE;
        if (dir.isBlank() || !files.exists(path)) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(files.readBytes(path)))) {
            TrainingCheckpoint c = (TrainingCheckpoint) in.readObject();
            LOG.info("Resuming from the checkpoint after epoch {} in {}", c.epoch(), dir);
            return c;
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            LOG.warn("Ignoring the unreadable checkpoint {} ({}); training starts from epoch 1", path, e.toString());
            return null;
        }
    }

    /** Whether an epoch's checkpoint is due: every {@code every} epochs, and always at the end. */
    static boolean due(TrainingOptions opt, int epoch, boolean last) {
        return !opt.checkpointDir().isBlank() && opt.checkpointEvery() > 0
                && (last || epoch % opt.checkpointEvery() == 0);
    }
}
