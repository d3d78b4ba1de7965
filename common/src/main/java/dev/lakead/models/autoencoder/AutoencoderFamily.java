package dev.lakead.models.autoencoder;

import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.training.AveragingTrainer;
import dev.lakead.training.SparkNetworkTrainer;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dense Autoencoder (input = target), trained by {@link DenseAutoencoderTrainer} in our averaging rounds, or by
 * DL4J's parameter-averaging training master with {@code train.engine = dl4j}.
 */
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
        if (options.denseEngine() && DenseAutoencoderTrainer.of(network.getLayerWiseConfigurations()).isPresent()) {
            return new Trained(new AutoencoderModel(network, spec.asMap()), trainDense(network, spec, features, options));
        }
        SparkNetworkTrainer.Result result = SparkNetworkTrainer.fitAutoencoder(network, features, options);
        return new Trained(new AutoencoderModel(result.network(), spec.asMap()), result.history());
    }

    /**
     * Trains {@code network} in place with {@link DenseAutoencoderTrainer}s in {@link AveragingTrainer}'s rounds,
     * starting from its initialised parameters (DL4J's weight init); each executor keeps its trainer and Adam state.
     */
    private static TrainingHistory trainDense(MultiLayerNetwork network, AutoencoderSpec spec,
                                              Dataset<Row> features, TrainingOptions opt) {
        AveragingTrainer.Result result = AveragingTrainer.trainOnFeatures(features,
                () -> DenseAutoencoderTrainer.of(spec.configuration()).orElseThrow(),
                network.params().toFloatVector(), opt);
        network.setParams(Nd4j.create(result.params(), new long[]{1, result.params().length}, 'c'));
        return result.history();
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return AutoencoderModel.fromBytes(bytes);
    }

}
