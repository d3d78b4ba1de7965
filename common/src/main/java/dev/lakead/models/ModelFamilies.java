package dev.lakead.models;

import dev.lakead.LakeadException;
import dev.lakead.models.autoencoder.AutoencoderFamily;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registry of model families by their type name (setting model.type): the built-in ones, plus any on the classpath
 * that declare themselves in {@code META-INF/services/dev.lakead.models.ModelFamily} (Java's ServiceLoader, as
 * Spark finds data sources), so a team can add its own detector in its own jar.
 */
public final class ModelFamilies {
    private static final Map<String, ModelFamily<?>> FAMILIES = new LinkedHashMap<>();

    static {
        register(new AutoencoderFamily());
        register(new dev.lakead.models.vae.VaeFamily());
        register(new dev.lakead.models.lstm.LstmAutoencoderFamily());
        register(new dev.lakead.models.anogan.AnoGanFamily());
        register(new dev.lakead.models.ensemble.EnsembleFamily());
        for (ModelFamily<?> extra : java.util.ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader())) {
            if (FAMILIES.containsKey(extra.type())) {
                throw new IllegalStateException("Model family '" + extra.type() + "' (" + extra.getClass().getName()
                        + ") is already registered");
            }
            register(extra);
        }
    }

    private ModelFamilies() {
    }

    private static void register(ModelFamily<?> family) {
        FAMILIES.put(family.type(), family);
    }

    /** Every registered type name, the built-in ones first. */
    public static java.util.List<String> types() {
        return java.util.List.copyOf(FAMILIES.keySet());
    }

    public static ModelFamily<?> get(String type) {
        ModelFamily<?> f = FAMILIES.get(type == null ? "" : type.trim().toLowerCase());
        if (f == null) {
            throw new LakeadException("Unknown model type '" + type + "' (setting 'model.type'); available: "
                    + String.join(", ", FAMILIES.keySet()));
        }
        return f;
    }
}
