package dev.lakead.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.LakeadException;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.AnomalyModel;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A versioned model directory, {@code <root>/<name>/<version>/}:
 * <pre>
 *   metadata.json     model type, feature columns in order, hyperparameters, training rows, loss curve, ...
 *   threshold.json    the active threshold with its method and parameters (and its version number)
 *   thresholds/tN.json every threshold version ever set (t1 at training; the threshold job adds t2, t3, ...)
 *   network.bin       the serialized network (DL4J ModelSerializer format for the Autoencoder)
 *   preprocessing/    the fitted MLlib pipeline (imputer, assembler, scaler) and its feature columns
 *   manifest.json     every file above with its size and SHA-256 ({@link BundleManifest}), written last
 * </pre>
 * A bundle is written to a temporary directory and renamed into place, so a reader never sees half of one. Its
 * files are read by {@link BundleCodec}; {@link BundleStore} finds, numbers and promotes the versions.
 */
public final class ModelBundle {
    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);
    public static final String METADATA = "metadata.json";
    public static final String THRESHOLD = "threshold.json";
    public static final String THRESHOLD_VERSIONS = "thresholds";
    /** Next to the versions: which one is promoted (see PromoteStep). */
    public static final String CHAMPION = "champion.json";
    public static final String NETWORK = "network.bin";
    public static final String PREPROCESSING = "preprocessing";
    public static final int FORMAT_VERSION = BundleCodec.FORMAT_VERSION;
    static final ObjectMapper JSON = BundleCodec.JSON;

    private final String path;
    private final BundleMetadata metadata;
    private final FeaturePipeline pipeline;
    private final AnomalyModel model;
    private final Threshold threshold;
    private int thresholdVersion = 1;

    public ModelBundle(String path, BundleMetadata metadata, FeaturePipeline pipeline, AnomalyModel model,
                       Threshold threshold) {
        this.path = path;
        this.metadata = metadata;
        this.pipeline = pipeline;
        this.model = model;
        this.threshold = threshold;
    }

    public String path() {
        return path;
    }

    public BundleMetadata metadata() {
        return metadata;
    }

    public FeaturePipeline pipeline() {
        return pipeline;
    }

    public AnomalyModel model() {
        return model;
    }

    public Threshold threshold() {
        return threshold;
    }

    public String name() {
        return String.valueOf(metadata.modelName());
    }

    public String version() {
        return String.valueOf(metadata.modelVersion());
    }

    /** Writes the bundle to {@code target} atomically; fails if a bundle is already there. */
    public static ModelBundle write(HadoopFiles files, String target, BundleMetadata metadata,
                                    FeaturePipeline pipeline, AnomalyModel model, Threshold threshold) {
        return write(files, target, metadata, pipeline, model, threshold, dir -> { });
    }

    /**
     * As {@link #write(HadoopFiles, String, BundleMetadata, FeaturePipeline, AnomalyModel, Threshold)}, letting
     * {@code extra} add files to the bundle's temporary directory before the manifest lists them (the Spark ML
     * API's params metadata, {@code ml.AnomalyDetectionModel}).
     */
    public static ModelBundle write(HadoopFiles files, String target, BundleMetadata metadata,
                                    FeaturePipeline pipeline, AnomalyModel model, Threshold threshold,
                                    java.util.function.Consumer<String> extra) {
        if (files.exists(target)) {
            throw new LakeadException("Model bundle " + target + " already exists; choose another model.version");
        }
        String parent = target.substring(0, target.lastIndexOf('/'));
        String tmp = parent + "/_tmp-" + UUID.randomUUID();
        try {
            BundleMetadata meta = metadata.withFormatVersion(FORMAT_VERSION);
            files.writeString(tmp + "/" + METADATA, BundleCodec.metadataJson(meta));
            files.writeString(tmp + "/" + THRESHOLD, thresholdJson(threshold, 1));
            files.writeString(tmp + "/" + THRESHOLD_VERSIONS + "/t1.json", thresholdJson(threshold, 1));
            files.writeBytes(tmp + "/" + NETWORK, model.toBytes());
            pipeline.save(files, tmp + "/" + PREPROCESSING);
            extra.accept(tmp);
            BundleManifest.write(files, tmp);
            files.renameInto(tmp, target);
            LOG.info("Model bundle written to {}", target);
            return new ModelBundle(target, meta, pipeline, model, threshold);
        } catch (IOException e) {
            throw new LakeadException("Cannot write model bundle " + target + ": " + e.getMessage(), e);
        } finally {
            if (files.exists(tmp)) {
                files.delete(tmp);
            }
        }
    }

    /**
     * Stores {@code newThreshold} as the next threshold version and makes it the active one; earlier versions stay
     * under thresholds/ (a bundle from before versioning gets its old threshold archived as t1 first).
     */
    public ModelBundle withThreshold(HadoopFiles files, Threshold newThreshold) {
        String versions = path + "/" + THRESHOLD_VERSIONS;
        try {
            if (!files.exists(versions + "/t1.json")) {
                files.writeString(versions + "/t1.json", thresholdJson(threshold, 1));
            }
            int next = 2;
            while (files.exists(versions + "/t" + next + ".json")) {
                next++;
            }
            files.writeString(versions + "/t" + next + ".json", thresholdJson(newThreshold, next));
            files.replaceString(path + "/" + THRESHOLD, thresholdJson(newThreshold, next));
            BundleManifest.update(files, path, List.of(THRESHOLD_VERSIONS + "/t1.json",
                    THRESHOLD_VERSIONS + "/t" + next + ".json", THRESHOLD));
            LOG.info("Threshold version t{} of {} is now active: {}", next, path, newThreshold.describe());
        } catch (IOException e) {
            throw new LakeadException("Cannot write the threshold of " + path + ": " + e.getMessage(), e);
        }
        return load(path, metadata, pipeline, model, files);
    }

    /** Makes an earlier threshold version the active one again (a rollback); returns the bundle with it. */
    public ModelBundle activateThreshold(HadoopFiles files, int version) {
        String file = path + "/" + THRESHOLD_VERSIONS + "/t" + version + ".json";
        if (!files.exists(file)) {
            throw new LakeadException("Model bundle " + path + " has no threshold version " + version + " (" + file
                    + ")");
        }
        files.replaceString(path + "/" + THRESHOLD, files.readString(file));
        BundleManifest.update(files, path, List.of(THRESHOLD));
        LOG.info("Threshold version t{} of {} is now active", version, path);
        return load(path, metadata, pipeline, model, files);
    }

    /** The active threshold's version (1 = the one set at training). */
    public int thresholdVersion() {
        return thresholdVersion;
    }

    private static ModelBundle load(String path, BundleMetadata metadata, FeaturePipeline pipeline,
                                    AnomalyModel model, HadoopFiles files) {
        Map.Entry<Threshold, Integer> threshold = BundleCodec.readThreshold(files, path);
        ModelBundle b = new ModelBundle(path, metadata, pipeline, model, threshold.getKey());
        b.thresholdVersion = threshold.getValue();
        return b;
    }

    private static String thresholdJson(Threshold t, int version) throws IOException {
        return BundleCodec.thresholdJson(t, version);
    }

    /** Reads a bundle through {@link BundleCodec} (manifest verified, complete, consistent) with its MLlib pipeline. */
    public static ModelBundle load(SparkSession spark, HadoopFiles files, String path) {
        if (!files.exists(path)) {
            throw new LakeadException("Model bundle " + path + " does not exist");
        }
        BundleCodec.Contents contents = BundleCodec.read(files, path);
        FeaturePipeline pipeline = FeaturePipeline.load(spark, files, path + "/" + PREPROCESSING);
        BundleCodec.requireConsistent(contents, pipeline.columns());
        ModelBundle bundle = new ModelBundle(path, contents.metadata(), pipeline, contents.model(),
                contents.threshold());
        bundle.thresholdVersion = contents.thresholdVersion();
        return bundle;
    }
}
