package dev.lakead.training;

import java.io.Serializable;
import java.util.List;

/**
 * A model that one Spark task can fit on its own mini-batches, with all parameters as one flat vector, so that
 * {@link AveragingTrainer} can average it across executors. Used where DL4J's training master cannot drive the
 * model (the VAE's sampled latent code, a GAN's two networks).
 */
public interface LocalTrainer {
    /** The flat parameters, in a new array the caller keeps. */
    float[] params();

    void setParams(float[] flat);

    /** One optimisation step per mini-batch, in order; returns the sum over batches of (mean loss x rows). */
    double fit(List<MiniBatch> batches, long seed);

    /** Mean loss over the rows of one batch, without updating anything. */
    double loss(MiniBatch batch, long seed);

    /**
     * Names of the loss components this trainer reports besides its loss (e.g. a GAN's "d_loss" and "g_loss");
     * empty for a single loss. Each round's components go to the {@link TrainingHistory}.
     */
    default List<String> lossComponents() {
        return List.of();
    }

    /** The components of the last {@link #fit}, in {@link #lossComponents()} order, each summed like its loss. */
    default double[] lastComponentSums() {
        return new double[0];
    }

    /**
     * The optimiser state as one flat vector, when it should be averaged across workers with the parameters (and
     * broadcast with them, so that a worker's state does not depend on where its partition ran); null keeps each
     * worker's own state between rounds.
     */
    default float[] updaterState() {
        return null;
    }

    /** Replaces the optimiser state with an averaged {@link #updaterState()}. */
    default void setUpdaterState(float[] state) {
        throw new UnsupportedOperationException("this trainer keeps its own optimiser state");
    }

    /** Creates trainers on the executors; must be serializable with everything it needs. */
    interface Factory extends Serializable {
        LocalTrainer create();
    }
}
