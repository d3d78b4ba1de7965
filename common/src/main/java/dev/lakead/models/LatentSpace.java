package dev.lakead.models;

import org.nd4j.linalg.api.ndarray.INDArray;

/** An ability of models with a latent code (the VAE's μ, AnoGAN's z): setting {@code score.latent-export} needs it. */
public interface LatentSpace {
    /** The latent code of every row ([rows, latentSize]). */
    INDArray latent(INDArray batch);

    /** Size of {@link #latent}'s rows. */
    int latentSize();
}
