package dev.lakead.models.vae;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.models.SpecJson;
import dev.lakead.training.NetworkSpec;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The chapter's VAE (4.2.4): ReLU encoder → μ and log σ² → z = μ + ε·σ → mirrored ReLU decoder; loss per record =
 * reconstruction + β·KL (4.2.2). Reconstruction matches the scaling: Bernoulli (BCE on logits) for [0,1] data,
 * Gaussian (½·squared error, unit variance) for standardised data.
 *
 * @param scoreMode  chapter: reconstruction + β·KL at z = μ (deterministic);
 *                   mc-logprob: −(1/n)·Σ log p(x | z_i) over n sampled z_i (reconstruction probability)
 */
public record VaeSpec(int inputSize, List<Integer> hiddenSizes, int latentSize, double beta, String reconstruction,
                      boolean learnVariance, double learningRate, long seed, String scoreMode, int mcSamples,
                      long mcSeed) implements Serializable {
    public static final String BERNOULLI = "bernoulli";
    public static final String GAUSSIAN = "gaussian";
    public static final String SCORE_CHAPTER = "chapter";
    public static final String SCORE_MC = "mc-logprob";

    /** The spec for features of this width and scaling; the shared settings come from {@link NetworkSpec}. */
    public static VaeSpec from(Settings s, int inputSize, String scaler) {
        NetworkSpec network = NetworkSpec.from(s);
        List<Integer> hidden = network.hiddenSizes();
        if (hidden.isEmpty()) {
            int first = Math.max(16, Math.min(256, Integer.highestOneBit(Math.max(1, inputSize - 1)) << 1));
            hidden = List.of(first, Math.max(8, first / 2));
        }
        int latent = s.integer("model.vae.latent-size");
        if (latent <= 0) {
            latent = Math.max(2, Math.min(32, (int) Math.ceil(inputSize / 4.0)));
        }
        String recon = s.choice("model.vae.reconstruction", "auto", BERNOULLI, GAUSSIAN);
        if ("auto".equals(recon)) {
            recon = FeaturePreprocessor.MINMAX.equals(scaler) ? BERNOULLI : GAUSSIAN;
        }
        double beta = s.number("model.vae.beta");
        if (beta < 0) {
            throw new LakeadException("Setting 'model.vae.beta' must be >= 0, got " + beta);
        }
        return new VaeSpec(inputSize, List.copyOf(hidden), latent, beta, recon,
                s.bool("model.vae.learn-variance"), network.learningRate(),
                network.seed(), s.choice("model.vae.score", SCORE_CHAPTER, SCORE_MC),
                s.positiveInt("model.vae.mc-samples"), s.longValue("model.vae.mc-seed"));
    }

    public VaeSpec withSeed(long seed) {
        return new VaeSpec(inputSize, hiddenSizes, latentSize, beta, reconstruction, learnVariance, learningRate,
                seed, scoreMode, mcSamples, mcSeed);
    }

    public VaeSpec withHiddenSizes(List<Integer> sizes) {
        return new VaeSpec(inputSize, List.copyOf(sizes), latentSize, beta, reconstruction, learnVariance,
                learningRate, seed, scoreMode, mcSamples, mcSeed);
    }

    public VaeSpec withScoreMode(String mode, int samples, long seed) {
        return new VaeSpec(inputSize, hiddenSizes, latentSize, beta, reconstruction, learnVariance, learningRate,
                this.seed, mode, samples, seed);
    }

    public Map<String, Object> asMap() {
        return SpecJson.asMap(this);
    }

    String toJson() {
        return SpecJson.toJson(this);
    }

    static VaeSpec fromJson(String json) {
        return SpecJson.fromJson(json, VaeSpec.class, "VAE");
    }
}
