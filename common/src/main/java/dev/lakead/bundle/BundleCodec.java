package dev.lakead.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.thresholds.Threshold;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader and writer of a bundle's files (see {@link ModelBundle} for the layout): the batch path
 * ({@link ModelBundle#load}) and the real-time path ({@code scoring.RealtimeScorer}) both open bundles here, so a
 * bundle is checked (manifest, complete, consistent) and decoded the same way wherever it is used. The
 * preprocessing is read by the caller: with Spark (the fitted MLlib pipeline) or without (its scaling plan).
 */
public final class BundleCodec {
    public static final int FORMAT_VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleCodec() {
    }

    /** A bundle's metadata, active threshold (with its version), family and decoded model. */
    public record Contents(String path, BundleMetadata metadata, Threshold threshold, int thresholdVersion,
                           ModelFamily family, AnomalyModel model) {
    }

    /**
     * Verifies the manifest (when the directory exists), requires every file, and reads metadata, threshold and
     * model; every error names the bundle and the file.
     */
    public static Contents read(HadoopFiles files, String path) {
        if (files.exists(path)) {
            BundleManifest.verify(files, path);
        }
        for (String f : List.of(ModelBundle.METADATA, ModelBundle.THRESHOLD, ModelBundle.NETWORK,
                ModelBundle.PREPROCESSING)) {
            if (!files.exists(path + "/" + f)) {
                throw new LakeadException("Model bundle " + path + " is incomplete: " + f + " is missing");
            }
        }
        BundleMetadata meta = readMetadata(files, path);
        Map.Entry<Threshold, Integer> threshold = readThreshold(files, path);
        String type = meta.modelType();
        ModelFamily family;
        try {
            family = ModelFamilies.get(type);
        } catch (LakeadException e) {
            throw new LakeadException("Model bundle " + path + ": " + ModelBundle.METADATA + " names model type '"
                    + type + "', which this version of lakead does not know", e);
        }
        AnomalyModel model;
        try {
            model = family.decode(files.readBytes(path + "/" + ModelBundle.NETWORK));
        } catch (LakeadException e) {
            throw new LakeadException("Model bundle " + path + ": " + ModelBundle.NETWORK + " cannot be loaded: "
                    + e.getMessage(), e);
        }
        return new Contents(path, meta, threshold.getKey(), threshold.getValue(), family, model);
    }

    /** Fails when the preprocessing's feature columns are not the ones the metadata lists and the model takes. */
    public static void requireConsistent(Contents bundle, List<String> featureColumns) {
        List<String> expected = bundle.metadata().featureColumns();
        if (expected != null && !expected.equals(featureColumns)) {
            throw new LakeadException("Model bundle " + bundle.path() + " is inconsistent: metadata lists features "
                    + expected + " but the preprocessing pipeline has " + featureColumns);
        }
        if (bundle.model().inputSize() != featureColumns.size()) {
            throw new LakeadException("Model bundle " + bundle.path() + " is inconsistent: the network takes "
                    + bundle.model().inputSize() + " inputs but there are " + featureColumns.size()
                    + " feature columns");
        }
    }

    /** {@code metadata.json}, typed. */
    public static BundleMetadata readMetadata(HadoopFiles files, String dir) {
        try {
            return JSON.readValue(files.readString(dir + "/" + ModelBundle.METADATA), BundleMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Model bundle " + dir + ": " + ModelBundle.METADATA + " is corrupt: "
                    + e.getMessage(), e);
        }
    }

    /** {@code metadata.json}'s text, with the current format version. */
    static String metadataJson(BundleMetadata metadata) throws IOException {
        return JSON.writeValueAsString(metadata.withFormatVersion(FORMAT_VERSION));
    }

    /** The active threshold ({@code threshold.json}) and its version (1 for bundles from before versioning). */
    static Map.Entry<Threshold, Integer> readThreshold(HadoopFiles files, String dir) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = JSON.readValue(files.readString(dir + "/" + ModelBundle.THRESHOLD), Map.class);
            return Map.entry(Threshold.fromMap(json), ((Number) json.getOrDefault("version", 1)).intValue());
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Model bundle " + dir + ": " + ModelBundle.THRESHOLD + " is corrupt: "
                    + e.getMessage(), e);
        }
    }

    /** A threshold file's text: the threshold, its version and when it was set. */
    static String thresholdJson(Threshold t, int version) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(t.asMap());
        m.put("version", version);
        m.put("created_at", java.time.Instant.now().toString());
        return JSON.writeValueAsString(m);
    }
}
