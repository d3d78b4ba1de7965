package dev.lakead.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drift job's summary ({@code drift.summary-path}): which rows it checked ({@code where}, and the partition values
 * it found there), whether retraining is recommended and why. The drift job writes it; {@code retrain-recommended}
 * reads it on a scheduler's machine, through Hadoop's FileSystem, and answers only for the filter it was written for.
 */
public record DriftSummary(String model, String where, String partitionColumn, List<String> partitions,
                           String referenceWhere, boolean retrainRecommended, List<String> reasons, long driftRows,
                           String driftTable, String computedAt, Map<String, Object> inputAudit) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DriftSummary {
        partitions = List.copyOf(partitions);
        reasons = List.copyOf(reasons);
        inputAudit = inputAudit == null ? Map.of() : inputAudit;
    }

    /** A summary without an input audit (as written before the drift job audited its input). */
    public DriftSummary(String model, String where, String partitionColumn, List<String> partitions,
                        String referenceWhere, boolean retrainRecommended, List<String> reasons, long driftRows,
                        String driftTable, String computedAt) {
        this(model, where, partitionColumn, partitions, referenceWhere, retrainRecommended, reasons, driftRows,
                driftTable, computedAt, Map.of());
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("where", where);
        m.put("partition_column", partitionColumn);
        m.put("partitions", partitions);
        m.put("reference_where", referenceWhere);
        m.put("retrain_recommended", retrainRecommended);
        m.put("reasons", reasons);
        m.put("drift_rows", driftRows);
        m.put("drift_table", driftTable);
        m.put("computed_at", computedAt);
        m.put("input_audit", inputAudit);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the summary file atomically (a reader sees the previous summary or this one). */
    public void write(HadoopFiles files, String path) {
        files.replaceString(path, toJson());
    }

    /** Reads a summary written by the drift job; a missing, unreadable or incomplete file is a user error. */
    public static DriftSummary read(HadoopFiles files, String path) {
        if (!files.exists(path)) {
            throw new LakeadException("Drift summary " + path + " does not exist (drift.summary-path): run drift"
                    + " first");
        }
        return parse(files.readString(path), path);
    }

    static DriftSummary parse(String text, String location) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new LakeadException("Drift summary " + location + " is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.path("where").isTextual() || !n.path("retrain_recommended").isBoolean()) {
            throw new LakeadException("Drift summary " + location
                    + " is not a drift job's summary (it needs 'where' and 'retrain_recommended')");
        }
        return new DriftSummary(n.path("model").asText(""), n.get("where").asText(),
                n.path("partition_column").asText(""), strings(n.path("partitions")),
                n.path("reference_where").asText(""), n.get("retrain_recommended").asBoolean(),
                strings(n.path("reasons")), n.path("drift_rows").asLong(0), n.path("drift_table").asText(""),
                n.path("computed_at").asText(""), n.has("input_audit") ? JSON.convertValue(n.get("input_audit"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }) : Map.of());
    }

    /** Whether this summary was computed for exactly this filter (blanks collapsed, as a scheduler templates it). */
    public boolean isFor(String recentWhere) {
        return normalized(where).equals(normalized(recentWhere));
    }

    private static String normalized(String sql) {
        return sql == null ? "" : sql.strip().replaceAll("\\s+", " ");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
