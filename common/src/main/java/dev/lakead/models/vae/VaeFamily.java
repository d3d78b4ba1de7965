package dev.lakead.models.vae;

import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.training.AveragingTrainer;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Variational Autoencoder trained with our own parameter-averaging rounds ({@link AveragingTrainer}). Why not
 * DL4J's training master: its VariationalAutoencoder layer only trains by layer-wise pretraining, which the
 * master does not drive (a network ending in it fails with "final layer is not an IOutputLayer"), and the
 * reparameterisation noise must be seeded for reproducible runs. A SameDiff graph fed with ε from a seeded
 * generator, fitted per partition and averaged each round, makes it an ordinary distributed fit.
 */
public final class VaeFamily implements ModelFamily<VaeSpec> {
    private static final Logger LOG = LoggerFactory.getLogger(VaeFamily.class);

    @Override
    public String type() {
        return VaeModel.TYPE;
    }

    @Override
    public VaeSpec spec(Settings settings, int inputSize, String scaler) {
        return VaeSpec.from(settings, inputSize, scaler);
    }

    @Override
    public Trained train(Dataset<Row> features, VaeSpec spec, TrainingOptions opt) {
        LOG.info("VAE {} -> {} -> latent {} (beta {}, {} reconstruction, score {}, lr {})", spec.inputSize(),
                spec.hiddenSizes(), spec.latentSize(), spec.beta(), spec.reconstruction(), spec.scoreMode(),
                spec.learningRate());
        float[] initial = new VaeGraph(spec, null).params();
        AveragingTrainer.Result result = AveragingTrainer.trainOnFeatures(features, () -> new VaeLocalTrainer(spec),
                initial, opt);
        return new Trained(new VaeModel(spec, result.params()), result.history());
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return VaeModel.fromBytes(bytes);
    }
}
