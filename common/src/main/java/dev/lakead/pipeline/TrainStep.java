package dev.lakead.pipeline;

import dev.lakead.CodeVersion;
import dev.lakead.bundle.BundleMetadata;
import dev.lakead.bundle.BundleStore;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.thresholds.Threshold;
import dev.lakead.training.TrainingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/** train: fits the configured model on the prepared features through Spark, sets the threshold, writes a bundle. */
public final class TrainStep {
    private static final Logger LOG = LoggerFactory.getLogger(TrainStep.class);

    private TrainStep() {
    }

    public record Result(ModelBundle bundle, ModelFamily.Trained trained) {
    }

    /** Folder under model.root/model.name with the checkpoints of trainings in progress, one folder per version. */
    public static final String CHECKPOINTS = "_checkpoints";

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        PreparedData prepared = PreparedData.load(ctx.spark(), ctx.files(), PreparedData.path(s));
        ModelConfig model = ModelConfig.from(s);
        ModelFamily<?> family = ModelFamilies.get(model.type());
        String name = model.requiredName();
        String target = model.versionPath(name,
                new BundleStore(ctx.files(), model.root()).nextVersion(name, model.version()));
        if (ctx.files().exists(target)) {
            throw new dev.lakead.LakeadException("Model bundle " + target + " already exists; choose another"
                    + " model.version or leave it empty for the next one");
        }
        LOG.info("Training {} '{}' on {} ({} features)", family.type(), name, prepared.path(),
                prepared.pipeline().size());

        String checkpointDir = TrainingOptions.checkpointDir(s);
        String checkpoints = checkpointDir.isBlank()
                ? model.versionPath(name, CHECKPOINTS + "/" + target.substring(target.lastIndexOf('/') + 1))
                : checkpointDir;
        Fitted fitted = fit(ctx, prepared, family, checkpoints);
        ModelFamily.Trained trained = fitted.trained();
        Threshold threshold = fitted.threshold();

        BundleMetadata meta = metadata(family, name, target.substring(target.lastIndexOf('/') + 1), prepared,
                trained, s);
        ModelBundle bundle = ModelBundle.write(ctx.files(), target, meta, prepared.pipeline(), trained.model(),
                threshold);
        if (ctx.files().exists(checkpoints)) { // the bundle holds the result now
            ctx.files().delete(checkpoints);
        }
        String parent = checkpoints.substring(0, checkpoints.lastIndexOf('/'));
        if (checkpointDir.isBlank() && ctx.files().exists(parent)
                && ctx.files().childDirectories(parent).isEmpty() && ctx.files().filesUnder(parent).isEmpty()) {
            ctx.files().delete(parent); // no other training in progress: leave only the versions
        }
        return new Result(bundle, trained);
    }

    /** A trained model and its threshold, before they become a bundle. */
    public record Fitted(ModelFamily.Trained trained, Threshold threshold) {
    }

    /**
     * The train job's core, shared with {@code ml.AnomalyDetector.fit}: reads the family's spec for the prepared
     * features (the one place it is read), trains it on the executors (checkpoints under {@code checkpoints}) and
     * computes its threshold.
     */
    public static Fitted fit(JobContext ctx, PreparedData prepared, ModelFamily<?> family, String checkpoints) {
        Settings s = ctx.settings();
        ModelFamily.Configured<?> configured = family.configure(s, prepared.pipeline().size(),
                prepared.pipeline().scaler());
        ModelFamily.Trained trained = configured.train(prepared.features(),
                TrainingOptions.from(s).withCheckpointDir(checkpoints));
        Threshold threshold = ThresholdStep.compute(ctx, prepared, family.scoring(s), trained.model());
        return new Fitted(trained, threshold);
    }

    /** The bundle metadata of a model trained by {@link #fit}. */
    public static BundleMetadata metadata(ModelFamily<?> family, String name, String version, PreparedData prepared,
                                          ModelFamily.Trained trained, Settings s) {
        return new BundleMetadata(family.type(), name, version, prepared.pipeline().columns(),
                prepared.pipeline().scaler(), trained.model().hyperparameters(), trained.history().asMap(),
                prepared.info(), Instant.now().toString(), CodeVersion.get(), s.render(), null);
    }
}
