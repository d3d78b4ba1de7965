package dev.lakead.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A bundle's {@code metadata.json}, typed: what the model is, which features it takes in which order, and how it
 * was trained. Written and read by {@link BundleCodec} only; keys the record does not know (bundles of other
 * versions) are ignored, and a missing key is null.
 *
 * @param settings the training run's settings, rendered as HOCON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BundleMetadata(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("model_name") String modelName,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("feature_columns") List<String> featureColumns,
        @JsonProperty("scaler") String scaler,
        @JsonProperty("hyperparameters") Map<String, Object> hyperparameters,
        @JsonProperty("training") Map<String, Object> training,
        @JsonProperty("prepared_data") Map<String, Object> preparedData,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("code_version") String codeVersion,
        @JsonProperty("settings") String settings,
        @JsonProperty("format_version") Integer formatVersion) {

    /** The fields that identify a model; the rest empty (tests, tools). */
    public static BundleMetadata of(String modelType, String modelName, String modelVersion,
                                    List<String> featureColumns) {
        return new BundleMetadata(modelType, modelName, modelVersion, featureColumns, null, null, null, null, null,
                null, null, null);
    }

    /** The same metadata with the given format version (set by the writer). */
    public BundleMetadata withFormatVersion(int version) {
        return new BundleMetadata(modelType, modelName, modelVersion, featureColumns, scaler, hyperparameters,
                training, preparedData, createdAt, codeVersion, settings, version);
    }

    /** The training history ({@code training}); empty when the bundle has none. */
    public Map<String, Object> trainingOrEmpty() {
        return training == null ? Map.of() : training;
    }

    /** What the preprocess job recorded about the training data ({@code prepared_data}); empty when none. */
    public Map<String, Object> preparedDataOrEmpty() {
        return preparedData == null ? Map.of() : preparedData;
    }
}
