package dev.lakead.models.ensemble;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.models.ModelFamily;
import dev.lakead.models.anogan.AnoGanSpec;
import dev.lakead.models.autoencoder.AutoencoderFamily;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import dev.lakead.models.vae.VaeFamily;
import dev.lakead.models.vae.VaeSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ensemble's settings: defaults, member variety, and one-line errors that name the setting. */
class EnsembleSpecTest {

    @Test
    void defaultsDescribeAVariedEnsemble() {
        EnsembleSpec spec = EnsembleSpec.from(Settings.defaults());
        assertFalse(spec.members().isEmpty());
        assertTrue(EnsembleSpec.MEMBER_TYPES.containsAll(spec.members()));
        assertEquals(EnsembleSpec.ASINH, spec.combine());
        assertTrue(spec.featureErrorScaling());
        assertTrue(spec.latentDistance());
        // only autoencoder members add a latent term: the VAE's own score already has its KL term
        for (int i = 0; i < spec.members().size(); i++) {
            assertEquals("autoencoder".equals(spec.members().get(i)), spec.latentDistance(i), "member " + i);
        }
    }

    @Test
    void membersGetTheirOwnSeedAndWidth() {
        Settings base = Settings.defaults().with("model.ensemble.members", "autoencoder,autoencoder,vae",
                "model.ensemble.width-factors", "1,2", "model.hidden-sizes", "16,8,4");
        List<ModelFamily.Configured<?>> members = new EnsembleFamily().spec(base, 12, "standard").members();
        AutoencoderSpec first = (AutoencoderSpec) members.get(0).spec();
        AutoencoderSpec second = (AutoencoderSpec) members.get(1).spec();
        VaeSpec vae = (VaeSpec) members.get(2).spec();
        assertEquals(List.of(16, 8, 4), first.hiddenSizes());
        assertEquals(List.of(32, 16, 8), second.hiddenSizes());
        assertEquals(List.of(16, 8, 4), vae.hiddenSizes(), "first VAE takes the first factor");
        assertEquals(42L, first.seed());
        assertEquals(43L, second.seed());
        assertEquals("vae", members.get(2).family().type());
    }

    /** Members get their specs by withers: the settings' own spec, only seed, widths and score mode changed. */
    @Test
    void membersAreTheirFamilysSpecWithTheirSeedAndWidth() {
        Settings base = Settings.defaults().with("model.ensemble.members", "vae,autoencoder,anogan",
                "model.ensemble.width-factors", "2", "model.hidden-sizes", "16,8,4");
        List<ModelFamily.Configured<?>> members = new EnsembleFamily().spec(base, 12, "minmax").members();
        assertEquals(new VaeFamily().spec(base, 12, "minmax").withHiddenSizes(List.of(32, 16, 8)),
                members.get(0).spec());
        assertEquals(new AutoencoderFamily().spec(base, 12, "minmax").withSeed(43).withHiddenSizes(List.of(32, 16, 8)),
                members.get(1).spec());
        AnoGanSpec anogan = (AnoGanSpec) members.get(2).spec();
        assertEquals(44L, anogan.seed());
        assertEquals(AnoGanSpec.ENCODER, anogan.scoreMode(), "AnoGAN members score through their encoder");
        LakeadException e = assertThrows(LakeadException.class, () -> new EnsembleFamily()
                .spec(base.with("model.anogan.encoder-epochs", "0"), 12, "minmax"));
        assertEquals("Setting 'model.anogan.score' is encoder but 'model.anogan.encoder-epochs' is 0: encoder"
                + " scoring needs a trained encoder", e.getMessage());
    }

    @Test
    void aDegenerateMemberKeepsAPositiveSpread() {
        ScoreScale flat = ScoreScale.of(2.0, 2.0);
        assertTrue(flat.spread() > 0);
        assertEquals(1.0, ScoreScale.of(1.0, 3.0).normalise(3.0), 0.0);
    }

    @Test
    void featureErrorWeightsAreInverseMeanErrorsWithAFloor() {
        double[] w = FeatureErrorWeights.of(new double[]{1.0, 2.0, 4.0, 0.0});
        assertEquals(1.0, w[0], 1e-12);
        assertEquals(0.5, w[1], 1e-12);
        assertEquals(0.25, w[2], 1e-12);
        assertEquals(1.0 / (FeatureErrorWeights.FLOOR_FRACTION * 2.0), w[3], 1e-12, "a constant feature is floored");
    }

    @Test
    void badSettingsFailWithOneLineNamingTheSetting() {
        assertNamed("model.ensemble.members", "model.ensemble.members", "lstm-ae");
        assertNamed("model.ensemble.members", "model.ensemble.members", "ensemble");
        assertNamed("model.ensemble.members", "model.ensemble.members", "[]");
        assertNamed("model.ensemble.width-factors", "model.ensemble.width-factors", "1,0");
        assertNamed("model.ensemble.width-factors", "model.ensemble.width-factors", "wide");
        assertNamed("model.ensemble.scale-quantile", "model.ensemble.scale-quantile", "0.4");
        assertNamed("model.ensemble.combine", "model.ensemble.combine", "max");
        assertNamed("model.ensemble.feature-error-scaling", "model.ensemble.feature-error-scaling", "sometimes");
    }

    private static void assertNamed(String setting, String key, String value) {
        LakeadException e = assertThrows(LakeadException.class,
                () -> EnsembleSpec.from(Settings.defaults().with(key, value)));
        assertTrue(e.getMessage().contains("'" + setting + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
