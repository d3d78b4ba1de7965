package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.models.anogan.AnoGanSpec;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import dev.lakead.models.ensemble.EnsembleSpec;
import dev.lakead.models.lstm.LstmAutoencoderSpec;
import dev.lakead.models.vae.VaeSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The specs as Jackson writes them keep the keys the hand-written maps had, and old specs read back. */
class SpecJsonTest {
    private static final VaeSpec VAE = new VaeSpec(5, List.of(16, 8), 2, 1.0, VaeSpec.GAUSSIAN, false, 0.001, 7,
            VaeSpec.SCORE_CHAPTER, 10, 3);
    private static final AnoGanSpec ANOGAN = new AnoGanSpec(5, 2, List.of(8), List.of(8, 4), List.of(8),
            AnoGanSpec.IDENTITY, 0.0005, 0.5, 0.1, 1, 0.1, 50, 0.1, AnoGanSpec.ENCODER, 3, 0.001, 11);

    @Test
    void keysAreTheOnesOfTheHandWrittenMaps() {
        assertEquals(List.of("input_size", "hidden_sizes", "latent_size", "beta", "reconstruction", "learn_variance",
                "learning_rate", "seed", "score_mode", "mc_samples", "mc_seed"), List.copyOf(VAE.asMap().keySet()));
        assertEquals(List.of("input_size", "latent_size", "generator_sizes", "discriminator_sizes", "encoder_sizes",
                "output_activation", "learning_rate", "beta1", "label_smoothing", "discriminator_steps", "lambda",
                "search_iterations", "search_learning_rate", "score_mode", "encoder_epochs", "encoder_learning_rate",
                "seed"), List.copyOf(ANOGAN.asMap().keySet()));
        assertEquals(List.of("input_size", "window", "hidden_size", "layers", "latent_size", "loss", "learning_rate",
                "seed"), List.copyOf(new LstmAutoencoderSpec(3, 8, 16, 1, 4, "mse", 0.001, 1).asMap().keySet()));
        assertEquals(List.of("members", "width_factors", "scale_quantile", "combine", "feature_error_scaling",
                        "latent_distance"),
                List.copyOf(new EnsembleSpec(List.of("autoencoder"), List.of(1.0), 0.95, "mean", true, true).asMap()
                        .keySet()));
        var ae = new AutoencoderSpec(3, List.of(8, 4), "identity", 0.001, 0.0, 1).asMap();
        assertTrue(ae.keySet().containsAll(List.of("input_size", "hidden_sizes", "output_activation", "loss",
                "optimizer", "learning_rate", "l2", "seed")), ae.toString());
        assertEquals("mse", ae.get("loss"));
        assertEquals("adam", ae.get("optimizer"));
    }

    @Test
    void specsRoundTripAndOldOnesReadBack() {
        assertEquals(VAE, SpecJson.fromJson(SpecJson.toJson(VAE), VaeSpec.class, "VAE"));
        assertEquals(ANOGAN, SpecJson.fromJson(SpecJson.toJson(ANOGAN), AnoGanSpec.class, "AnoGAN"));
        // as the hand-written toJson wrote them (bundles of earlier versions)
        String oldVae = "{\"input_size\":5,\"hidden_sizes\":[16,8],\"latent_size\":2,\"beta\":1.0,"
                + "\"reconstruction\":\"gaussian\",\"learn_variance\":false,\"learning_rate\":0.001,\"seed\":7,"
                + "\"score_mode\":\"chapter\",\"mc_samples\":10,\"mc_seed\":3}";
        assertEquals(VAE, SpecJson.fromJson(oldVae, VaeSpec.class, "VAE"));
        String oldAnoGan = "{\"input_size\":5,\"latent_size\":2,\"generator_sizes\":[8],"
                + "\"discriminator_sizes\":[8,4],\"encoder_sizes\":[8],\"output_activation\":\"identity\","
                + "\"learning_rate\":5.0E-4,\"beta1\":0.5,\"label_smoothing\":0.1,\"discriminator_steps\":1,"
                + "\"lambda\":0.1,\"search_iterations\":50,\"search_learning_rate\":0.1,\"score_mode\":\"encoder\","
                + "\"encoder_epochs\":3,\"encoder_learning_rate\":0.001,\"seed\":11}";
        assertEquals(ANOGAN, SpecJson.fromJson(oldAnoGan, AnoGanSpec.class, "AnoGAN"));
    }

    @Test
    void aSpecWithAMissingKeyIsCorrupt() {
        LakeadException e = assertThrows(LakeadException.class,
                () -> SpecJson.fromJson("{\"input_size\":5}", VaeSpec.class, "VAE"));
        assertTrue(e.getMessage().startsWith("VAE specification is corrupt"), e.getMessage());
    }
}
