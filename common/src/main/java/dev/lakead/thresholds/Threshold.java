package dev.lakead.thresholds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A decision threshold on the anomaly score (score &gt; value = anomaly) with the method and parameters that
 * produced it and summary statistics of the scores it was computed from. A per-segment threshold also holds one
 * value per value of {@code segmentColumn}; records of other segments (or of segments with too few rows to set
 * their own) use {@code value}, the global threshold.
 */
public record Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats,
                        String segmentColumn, Map<String, Double> segments) {

    public Threshold {
        segmentColumn = segmentColumn == null ? "" : segmentColumn;
        segments = segments == null ? Map.of() : new TreeMap<>(segments);
    }

    /** A single (global) threshold. */
    public Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats) {
        this(value, method, parameters, scoreStats, "", Map.of());
    }

    public boolean perSegment() {
        return !segmentColumn.isEmpty();
    }

    /** The threshold of one segment value (the global one when the segment has none of its own). */
    public double valueFor(String segment) {
        return segments.getOrDefault(segment, value);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("method", method);
        m.put("parameters", parameters);
        m.put("score_stats", scoreStats);
        if (perSegment()) {
            m.put("segment_column", segmentColumn);
            m.put("segments", segments);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Threshold fromMap(Map<String, Object> m) {
        Map<String, Double> segments = new TreeMap<>();
        ((Map<String, Object>) m.getOrDefault("segments", Map.of()))
                .forEach((k, v) -> segments.put(k, ((Number) v).doubleValue()));
        return new Threshold(((Number) m.get("value")).doubleValue(), (String) m.get("method"),
                (Map<String, Object>) m.getOrDefault("parameters", Map.of()),
                (Map<String, Object>) m.getOrDefault("score_stats", Map.of()),
                (String) m.getOrDefault("segment_column", ""), segments);
    }

    public String describe() {
        String base = String.format("%.6g (%s %s)", value, method, parameters);
        return perSegment() ? base + String.format(" per %s: %d segments with their own value", segmentColumn,
                segments.size()) : base;
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
