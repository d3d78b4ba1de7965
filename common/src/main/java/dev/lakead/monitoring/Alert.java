package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One alert: an anomaly episode (one or more anomalous records of the same dedup key close in time, shown by its
 * most severe record) or the summary that replaces the alerts beyond the rate limit. Its id is deterministic
 * (from model, keys, partition and severity), so that a rerun produces the same ids.
 *
 * @param time      event time of the episode's first record
 * @param lastTime  event time of its last record
 * @param anomalies records in the episode (summary: anomalous records in the run)
 */
public record Alert(String id, Kind kind, String severity, int rank, String model, String modelVersion,
                    Instant time, Instant lastTime, Map<String, Object> keys, Map<String, Object> dedupKey,
                    Map<String, Object> partition, double score, double threshold, Double ratio, long anomalies,
                    List<FeatureError> topFeatures, Instant scoredAt, Summary summary) {

    public static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind {
        ANOMALY, SUMMARY;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A feature's reconstruction error (the score table's feature_errors entry). */
    public record FeatureError(String feature, double error) {
    }

    /**
     * What a summary alert reports: episodes (alertable anomalies after deduplication of repeats) and records in
     * the run, by severity, the partitions they are in, how many were alerted individually and the top ones.
     */
    public record Summary(long episodes, long records, Map<String, Long> episodesBySeverity, List<String> partitions,
                          long alertedIndividually, List<Alert> top) {
    }

    /** "device_id=17, record_id=88" */
    public static String describe(Map<String, Object> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    public static String number(double v) {
        double a = Math.abs(v);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return a == 0 || (a >= 0.01 && a < 1e6) ? String.format(Locale.ROOT, "%.4f", v)
                : String.format(Locale.ROOT, "%.4g", v);
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** One line: "[CRITICAL] anomaly in sensors v3: device_id=17 score 4.2100 = 2.81 x threshold 1.5000". */
    public String title() {
        String sev = severity.toUpperCase(Locale.ROOT);
        if (kind == Kind.SUMMARY) {
            return "[" + sev + "] " + count(summary.episodes()) + " anomalies in "
                    + (summary.partitions().isEmpty() ? "the score table" : String.join(", ", summary.partitions()))
                    + " (" + model + "), " + summary.alertedIndividually() + " alerted individually, top "
                    + summary.top().size() + " below";
        }
        String who = keys.isEmpty() ? describe(partition) : describe(keys);
        return "[" + sev + "] anomaly in " + model + " " + modelVersion + ": " + who + " score " + number(score)
                + (ratio == null ? "" : " = " + String.format(Locale.ROOT, "%.2f", ratio) + " x threshold "
                + number(threshold));
    }

    /** Short one-line description of an anomaly for a summary's top list. */
    public String line() {
        return describe(keys) + (partition.isEmpty() ? "" : " (" + describe(partition) + ")") + ": " + severity
                + ", score " + number(score) + (ratio == null ? "" : String.format(Locale.ROOT, " (%.2fx)", ratio))
                + (topFeatures.isEmpty() ? "" : ", top " + features());
    }

    /** "pressure 3.10, temp 0.92" */
    public String features() {
        return topFeatures.stream().map(f -> f.feature() + " " + number(f.error())).collect(Collectors.joining(", "));
    }

    /** Plain-text message (several lines) used by the log and as a fallback text. */
    public String text() {
        StringBuilder sb = new StringBuilder(title());
        if (kind == Kind.SUMMARY) {
            sb.append("\nby severity: ").append(summary.episodesBySeverity()).append(", records: ")
                    .append(count(summary.records()));
            int i = 1;
            for (Alert a : summary.top()) {
                sb.append('\n').append(i++).append(". ").append(a.line());
            }
            return sb.toString();
        }
        if (!partition.isEmpty()) {
            sb.append("\npartition: ").append(describe(partition));
        }
        sb.append("\ntime: ").append(time);
        if (anomalies > 1) {
            sb.append(" (").append(anomalies).append(" anomalous records of ").append(describe(dedupKey))
                    .append(" until ").append(lastTime).append(')');
        }
        if (!topFeatures.isEmpty()) {
            sb.append("\ntop features: ").append(features());
        }
        return sb.toString();
    }

    /** The alert as JSON: the generic webhook's payload and the outbox's record. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("type", kind.json());
        n.put("severity", severity);
        n.put("rank", rank);
        n.put("title", title());
        ObjectNode m = n.putObject("model");
        m.put("name", model);
        m.put("version", modelVersion);
        n.put("time", str(time));
        n.put("last_time", str(lastTime));
        n.set("keys", JSON.valueToTree(keys));
        n.set("dedup_key", JSON.valueToTree(dedupKey));
        n.set("partition", JSON.valueToTree(partition));
        n.put("score", score);
        n.put("threshold", threshold);
        if (ratio == null) {
            n.putNull("ratio");
        } else {
            n.put("ratio", ratio);
        }
        n.put("anomalies", anomalies);
        ArrayNode tf = n.putArray("top_features");
        for (FeatureError f : topFeatures) {
            tf.addObject().put("feature", f.feature()).put("error", f.error());
        }
        n.put("scored_at", str(scoredAt));
        if (summary != null) {
            ObjectNode s = n.putObject("summary");
            s.put("episodes", summary.episodes());
            s.put("records", summary.records());
            s.set("episodes_by_severity", JSON.valueToTree(summary.episodesBySeverity()));
            s.set("partitions", JSON.valueToTree(summary.partitions()));
            s.put("alerted_individually", summary.alertedIndividually());
            ArrayNode top = s.putArray("top");
            summary.top().forEach(a -> top.add(a.toJson()));
        }
        return n;
    }

    public static Alert fromJson(JsonNode n) {
        Summary summary = null;
        JsonNode s = n.get("summary");
        if (s != null && !s.isNull()) {
            Map<String, Long> bySeverity = new LinkedHashMap<>();
            s.get("episodes_by_severity").fields().forEachRemaining(e -> bySeverity.put(e.getKey(), e.getValue().asLong()));
            List<String> partitions = new ArrayList<>();
            s.get("partitions").forEach(p -> partitions.add(p.asText()));
            List<Alert> top = new ArrayList<>();
            s.get("top").forEach(t -> top.add(fromJson(t)));
            summary = new Summary(s.get("episodes").asLong(), s.get("records").asLong(), bySeverity, partitions,
                    s.get("alerted_individually").asLong(), top);
        }
        List<FeatureError> features = new ArrayList<>();
        n.get("top_features").forEach(f -> features.add(new FeatureError(f.get("feature").asText(),
                f.get("error").asDouble())));
        JsonNode ratio = n.get("ratio");
        return new Alert(n.get("id").asText(), Kind.valueOf(n.get("type").asText().toUpperCase(Locale.ROOT)),
                n.get("severity").asText(), n.get("rank").asInt(), n.get("model").get("name").asText(),
                n.get("model").get("version").asText(), instant(n.get("time")), instant(n.get("last_time")),
                map(n.get("keys")), map(n.get("dedup_key")), map(n.get("partition")), n.get("score").asDouble(),
                n.get("threshold").asDouble(), ratio == null || ratio.isNull() ? null : ratio.asDouble(),
                n.get("anomalies").asLong(), features, instant(n.get("scored_at")), summary);
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static Map<String, Object> map(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            m.put(e.getKey(), v.isNull() ? null : v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() ? (Object) v.asDouble() : v.asText());
        }
        return m;
    }
}
