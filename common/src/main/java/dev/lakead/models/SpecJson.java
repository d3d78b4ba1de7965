package dev.lakead.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lakead.LakeadException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The families' {@code *Spec} records as JSON (in a model's bytes) and as the hyperparameters of the bundle
 * metadata, by Jackson from the record components: {@code latentSize} is {@code "latent_size"}. Unknown keys are
 * ignored; a missing one fails (a spec is read back exactly).
 */
public final class SpecJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private SpecJson() {
    }

    /** The spec's components (and any {@code @JsonProperty} extras) by snake_case name, in declaration order. */
    public static Map<String, Object> asMap(Record spec) {
        return JSON.convertValue(spec, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    public static String toJson(Record spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a spec back; a broken one fails naming {@code what} ("VAE specification is corrupt: ..."). */
    public static <T extends Record> T fromJson(String json, Class<T> type, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new LakeadException(what + " specification is corrupt: " + e.getMessage(), e);
        }
    }
}
