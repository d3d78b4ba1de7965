package dev.lakead.models.autoencoder;

import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.training.SparkNetworkTrainer;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dense Autoencoder trained with DL4J's parameter-averaging training master (input = target). */
public final class AutoencoderFamily implements ModelFamily<AutoencoderSpec> {
    private static final Logger LOG = LoggerFactory.getLogger(AutoencoderFamily.class);

    @Override
    public String type() {
        return AutoencoderModel.TYPE;
    }

    @Override
    public AutoencoderSpec spec(Settings settings, int inputSize, String scaler) {
        return AutoencoderSpec.from(settings, inputSize, scaler);
    }

    @Override
    public Trained train(Dataset<Row> features, AutoencoderSpec spec, TrainingOptions options) {
        int inputSize = spec.inputSize();
        LOG.info("Autoencoder {} -> {} -> {} ({} output, lr {})", inputSize, spec.hiddenSizes(), inputSize,
                spec.outputActivation(), spec.learningRate());
        MultiLayerNetwork network = new MultiLayerNetwork(spec.configuration());
        network.init();
        SparkNetworkTrainer.Result result = SparkNetworkTrainer.fitAutoencoder(network, features, options);
        return new Trained(new AutoencoderModel(result.network(), spec.asMap()), result.history());
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return AutoencoderModel.fromBytes(bytes);
    }

}
