package dev.lakead.training;

import java.io.Serializable;
import java.util.List;

/**
 * A model that one Spark task can fit on its own mini-batches, with all parameters as one flat vector, so that
 * {@link AveragingTrainer} can average it across executors. Used where DL4J's training master cannot drive the
 * model (the VAE's sampled latent code, a GAN's two networks).
 */
public interface LocalTrainer {
    float[] params();

    void setParams(float[] flat);

    /** One optimisation step per mini-batch, in order; returns the sum over batches of (mean loss x rows). */
    double fit(List<MiniBatch> batches, long seed);

    /** Mean loss over the rows of one batch, without updating anything. */
    double loss(MiniBatch batch, long seed);

    /** Creates trainers on the executors; must be serializable with everything it needs. */
    interface Factory extends Serializable {
        LocalTrainer create();
    }
}
