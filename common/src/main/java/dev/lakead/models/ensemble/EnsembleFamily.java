package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;

import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.LatentSpace;
import dev.lakead.models.ModelFamily;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.anogan.AnoGanFamily;
import dev.lakead.models.anogan.AnoGanSpec;
import dev.lakead.models.autoencoder.AutoencoderFamily;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import dev.lakead.models.vae.VaeFamily;
import dev.lakead.models.vae.VaeSpec;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * An ensemble of detectors (RandNet-style autoencoders of varied width and seed, and/or a VAE and AnoGAN's
 * encoder): each member trains on the executors through its own family (so through SparkNetworkTrainer or
 * AveragingTrainer), is then scored on the training rows per partition, and gets a {@link ScoreScale} from the
 * median and a high quantile of those scores. The ensemble's score is the mean (or median) of the normalised
 * member scores, so one member's bad fit on some data set is outvoted instead of deciding the result.
 */
public final class EnsembleFamily implements ModelFamily<EnsembleTraining> {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleFamily.class);
    private static final AutoencoderFamily AUTOENCODER = new AutoencoderFamily();
    private static final VaeFamily VAE = new VaeFamily();
    private static final AnoGanFamily ANOGAN = new AnoGanFamily();

    @Override
    public String type() {
        return EnsembleModel.TYPE;
    }

    /**
     * The ensemble's spec and its members': member i has its own seed (model.seed + i); autoencoder and VAE members
     * their type's hidden sizes scaled by their width factor; AnoGAN members score through their encoder (one pass
     * per row: the latent search would make every ensemble score hundreds of steps slower). All are checked here,
     * before any member trains.
     */
    @Override
    public EnsembleTraining spec(Settings settings, int inputSize, String scaler) {
        EnsembleSpec spec = EnsembleSpec.from(settings);
        List<String> types = spec.members();
        AutoencoderSpec autoencoder = types.contains(AUTOENCODER.type())
                ? AUTOENCODER.spec(settings, inputSize, scaler) : null;
        VaeSpec vae = types.contains(VAE.type()) ? VAE.spec(settings, inputSize, scaler) : null;
        AnoGanSpec anogan = types.contains(ANOGAN.type()) ? ANOGAN.spec(settings, inputSize, scaler) : null;
        List<Configured<?>> members = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (AUTOENCODER.type().equals(type)) {
                members.add(new Configured<>(AUTOENCODER, autoencoder.withSeed(autoencoder.seed() + i)
                        .withHiddenSizes(spec.memberWidths(i, autoencoder.hiddenSizes()))));
            } else if (VAE.type().equals(type)) {
                members.add(new Configured<>(VAE, vae.withSeed(vae.seed() + i)
                        .withHiddenSizes(spec.memberWidths(i, vae.hiddenSizes()))));
            } else {
                members.add(new Configured<>(ANOGAN, anogan.withSeed(anogan.seed() + i).withEncoderScoring()));
            }
        }
        return new EnsembleTraining(spec, members, ScoringOptions.batchRows(settings));
    }

    @Override
    public Trained train(Dataset<Row> features, EnsembleTraining training, TrainingOptions options) {
        EnsembleSpec spec = training.spec();
        BatchRows batchSize = training.scoreBatchRows();
        List<AnomalyModel> members = new ArrayList<>();
        List<ScoreScale> scales = new ArrayList<>();
        List<double[]> errorWeights = new ArrayList<>();
        List<EnsembleModel.LatentTerm> latentTerms = new ArrayList<>();
        TrainingHistory history = null;
        for (int i = 0; i < spec.members().size(); i++) {
            // each member trains with its own seed and resumes from its own checkpoints
            TrainingOptions opt = options.withSeed(options.seed() + i).withCheckpointPart("member-" + i);
            String type = spec.members().get(i);
            LOG.info("Ensemble member {}/{}: {} (seed {})", i + 1, spec.members().size(), type, opt.seed());
            Trained member = training.members().get(i).train(features, opt);
            double[] weights = spec.featureErrorScaling() && member.model() instanceof dev.lakead.models.FeatureErrors
                    ? FeatureErrorWeights.fromTrainingErrors(features, member.model(), batchSize) : null;
            ScoreScale scale = ScoreScale.fromTrainingScores(features,
                    EnsembleModel.unscaled(spec, member.model(), weights), spec.scaleQuantile(), batchSize);
            LOG.info("Ensemble member {}/{}: training score median {}, spread to the {} quantile {}", i + 1,
                    spec.members().size(), scale.centre(), spec.scaleQuantile(), scale.spread());
            members.add(member.model());
            scales.add(scale);
            errorWeights.add(weights);
            latentTerms.add(spec.latentDistance(i) && member.model() instanceof LatentSpace
                    ? LatentDensity.fitTerm(features, member.model(), spec.scaleQuantile(), batchSize) : null);
            if (latentTerms.get(i) != null) {
                LOG.info("Ensemble member {}/{}: latent distance median {}, spread {}", i + 1, spec.members().size(),
                        latentTerms.get(i).scale().centre(), latentTerms.get(i).scale().spread());
            }
            if (history == null) {
                history = member.history();
            } else {
                history.addPhase("member_" + (i + 1) + "_" + type, member.history());
            }
        }
        return new Trained(new EnsembleModel(spec, members, scales, errorWeights, latentTerms), history);
    }

    @Override
    public void validate(Settings settings) {
        EnsembleSpec.from(settings);
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return EnsembleModel.fromBytes(bytes);
    }
}
