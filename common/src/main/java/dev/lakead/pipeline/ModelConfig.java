package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

/**
 * Which model a job trains, scores with or promotes, read once: the family and where its bundles live.
 *
 * @param type    model.type, the model family
 * @param name    model.name ("" when not set; {@link #requiredName} fails then)
 * @param root    model.root, the folder of every model's versions (root/name/version)
 * @param version model.version: the version to write or use ("" = the next one, or the champion or latest)
 * @param path    model.path: one bundle's folder, which wins over root/name/version ("" = none)
 */
public record ModelConfig(String type, String name, String root, String version, String path) {

    public static ModelConfig from(Settings s) {
        return new ModelConfig(s.string("model.type"), s.string("model.name"), s.string("model.root"),
                s.string("model.version"), s.string("model.path"));
    }

    /** model.name; fails naming the setting when it is empty. */
    public String requiredName() {
        if (name.isBlank()) {
            throw new LakeadException("Setting 'model.name' is required but empty");
        }
        return name;
    }

    /** The folder of a model's version under model.root. */
    public String versionPath(String modelName, Object modelVersion) {
        return root + "/" + modelName + "/" + modelVersion;
    }
}
