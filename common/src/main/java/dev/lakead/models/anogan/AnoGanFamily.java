package dev.lakead.models.anogan;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.training.AveragingTrainer;
import dev.lakead.training.DataSetRdds;
import dev.lakead.training.HoldoutSplit;
import dev.lakead.training.MiniBatch;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * AnoGAN (4.3) on Spark. DL4J's Spark training masters have no GAN trainer, so the GAN goes through our own
 * parameter-averaging rounds ({@link AveragingTrainer}): the driver broadcasts G's and D's parameters and Adam
 * state, every partition runs {@code train.averaging-frequency} alternating D/G steps on its shard
 * ({@link GanLocalTrainer}), and both networks (and their optimiser state) are averaged on the driver. D's and
 * G's losses are logged per round and kept in the bundle's training history. Then, unless
 * {@code model.anogan.encoder-epochs} is 0, the encoder of Fast-AnoGAN is trained the same way with G and D frozen
 * ({@link EncoderLocalTrainer}), with the holdout rows for validation and early stopping.
 */
public final class AnoGanFamily implements ModelFamily<AnoGanSpec> {
    private static final Logger LOG = LoggerFactory.getLogger(AnoGanFamily.class);

    @Override
    public String type() {
        return AnoGanModel.TYPE;
    }

    @Override
    public AnoGanSpec spec(Settings settings, int inputSize, String scaler) {
        return AnoGanSpec.from(settings, inputSize, scaler);
    }

    @Override
    public Trained train(Dataset<Row> features, AnoGanSpec spec, TrainingOptions opt) {
        int inputSize = spec.inputSize();
        LOG.info("AnoGAN: G {} -> {} -> {} ({}), D {} -> {} -> 1, lr {}, label smoothing {}, {} D step(s) per G step;"
                        + " score {} (lambda {}, {} search iterations, lr {}), encoder {} for {} epochs",
                spec.latentSize(), spec.generatorSizes(), inputSize, spec.outputActivation(), inputSize,
                spec.discriminatorSizes(), spec.learningRate(), spec.labelSmoothing(), spec.discriminatorSteps(),
                spec.scoreMode(), spec.lambda(), spec.searchIterations(), spec.searchLearningRate(),
                spec.encoderSizes(), spec.encoderEpochs());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(features.sparkSession().sparkContext());
        HoldoutSplit split = HoldoutSplit.of(features, opt);
        JavaRDD<MiniBatch> train = DataSetRdds.miniBatches(split.train(), FeaturePipeline.FEATURES,
                opt.batchSizePerWorker());

        // 1. the GAN: no validation loss means anything for a two-player game, so no holdout and no early stop
        GanLocalTrainer init = new GanLocalTrainer(spec);
        AveragingTrainer.Result gan = AveragingTrainer.train(sc, train, null, () -> new GanLocalTrainer(spec),
                init.params(), opt.withCheckpointPart("gan"));
        int nG = spec.generatorParams();
        float[] generator = Arrays.copyOfRange(gan.params(), 0, nG);
        float[] discriminator = Arrays.copyOfRange(gan.params(), nG, gan.params().length);
        TrainingHistory history = gan.history();

        // 2. the encoder (Fast-AnoGAN), G and D frozen
        float[] encoder = null;
        if (spec.encoderEpochs() > 0) {
            JavaRDD<MiniBatch> holdout = split.holdout() == null ? null
                    : DataSetRdds.miniBatches(split.holdout(), FeaturePipeline.FEATURES, opt.batchSizePerWorker());
            TrainingOptions encoderOpt = new TrainingOptions(spec.encoderEpochs(), opt.batchSizePerWorker(),
                    opt.averagingFrequency(), opt.workers(), opt.rddTrainingApproach(), opt.exportDirectory(),
                    opt.holdoutFraction(), opt.earlyStoppingPatience(), opt.seed() + 1, opt.storageLevelName(),
                    opt.checkpointDir(), opt.checkpointEvery(), opt.engine()).withCheckpointPart("encoder");
            LOG.info("AnoGAN encoder: {} -> {} -> {} with G and D frozen, {} epochs", inputSize, spec.encoderSizes(),
                    spec.latentSize(), spec.encoderEpochs());
            float[] encoderInit = new EncoderLocalTrainer(spec, generator, discriminator).params();
            AveragingTrainer.Result enc = AveragingTrainer.train(sc, train, holdout,
                    () -> new EncoderLocalTrainer(spec, generator, discriminator), encoderInit, encoderOpt);
            encoder = enc.params();
            history.addPhase("encoder", enc.history());
        }
        return new Trained(new AnoGanModel(spec, generator, discriminator, encoder), history);
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return AnoGanModel.fromBytes(bytes);
    }
}
