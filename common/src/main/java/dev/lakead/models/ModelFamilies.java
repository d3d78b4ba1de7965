package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.models.autoencoder.AutoencoderFamily;

import java.util.LinkedHashMap;
import java.util.Map;

/** Registry of model families by their type name (setting model.type). */
public final class ModelFamilies {
    private static final Map<String, ModelFamily> FAMILIES = new LinkedHashMap<>();

    static {
        register(new AutoencoderFamily());
        register(new dev.lakead.models.vae.VaeFamily());
        register(new dev.lakead.models.lstm.LstmAutoencoderFamily());
        register(new dev.lakead.models.anogan.AnoGanFamily());
        register(new dev.lakead.models.ensemble.EnsembleFamily());
    }

    private ModelFamilies() {
    }

    private static void register(ModelFamily family) {
        FAMILIES.put(family.type(), family);
    }

    public static ModelFamily get(String type) {
        ModelFamily f = FAMILIES.get(type == null ? "" : type.trim().toLowerCase());
        if (f == null) {
            throw new LakeadException("Unknown model type '" + type + "' (setting 'model.type'); available: "
                    + String.join(", ", FAMILIES.keySet()));
        }
        return f;
    }
}
