package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;
import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.LatentSpace;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.models.ScoringOptions;
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
public final class EnsembleFamily implements ModelFamily {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleFamily.class);

    @Override
    public String type() {
        return EnsembleModel.TYPE;
    }

    @Override
    public Trained train(Dataset<Row> features, int inputSize, String scaler, Settings settings) {
        EnsembleSpec spec = EnsembleSpec.from(settings);
        BatchRows batchRows = ScoringOptions.batchRows(settings);
        List<Settings> memberSettings = new ArrayList<>();
        for (int i = 0; i < spec.members().size(); i++) {
            memberSettings.add(spec.memberSettings(i, settings, inputSize, scaler)); // all checked before training
        }
        List<AnomalyModel> members = new ArrayList<>();
        List<ScoreScale> scales = new ArrayList<>();
        List<double[]> errorWeights = new ArrayList<>();
        List<EnsembleModel.LatentTerm> latentTerms = new ArrayList<>();
        TrainingHistory history = null;
        for (int i = 0; i < spec.members().size(); i++) {
            Settings s = memberSettings.get(i);
            TrainingOptions opt = TrainingOptions.from(s);
            if (!opt.checkpointDir().isBlank()) { // each member resumes from its own checkpoints
                s = s.with("train.checkpoint-dir", opt.checkpointDir() + "/member-" + i);
            }
            String type = spec.members().get(i);
            LOG.info("Ensemble member {}/{}: {} (seed {}, hidden sizes {})", i + 1, spec.members().size(), type,
                    opt.seed(), s.integers("model.hidden-sizes"));
            Trained member = ModelFamilies.get(type).train(features, inputSize, scaler, s);
            double[] weights = spec.featureErrorScaling() && member.model() instanceof dev.lakead.models.FeatureErrors
                    ? FeatureErrorWeights.fromTrainingErrors(features, member.model(), batchRows) : null;
            ScoreScale scale = ScoreScale.fromTrainingScores(features,
                    EnsembleModel.unscaled(spec, member.model(), weights), spec.scaleQuantile(), batchRows);
            LOG.info("Ensemble member {}/{}: training score median {}, spread to the {} quantile {}", i + 1,
                    spec.members().size(), scale.centre(), spec.scaleQuantile(), scale.spread());
            members.add(member.model());
            scales.add(scale);
            errorWeights.add(weights);
            latentTerms.add(spec.latentDistance(i) && member.model() instanceof LatentSpace
                    ? LatentDensity.fitTerm(features, member.model(), spec.scaleQuantile(), batchRows) : null);
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
