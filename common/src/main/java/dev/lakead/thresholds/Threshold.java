package dev.lakead.thresholds;

import dev.lakead.LakeadException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A decision threshold on the anomaly score (score &gt; value = anomaly) with the method and parameters that
 * produced it and summary statistics of the scores it was computed from.
 * <ul>
 *   <li>Per segment: one value per value of {@code segmentColumn}; records of other segments (or of segments with
 *   too few rows to set their own) use {@code value}, the global threshold.</li>
 *   <li>Score modes: for a model with several (anogan: search, encoder) it is the threshold of the mode it was
 *   trained to score with ({@code scoreMode}), and {@code scoreModes} holds one threshold per mode, so that scoring
 *   can switch modes (setting score.mode).</li>
 * </ul>
 */
public record Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats,
                        String segmentColumn, Map<String, Double> segments, String scoreMode,
                        Map<String, Threshold> scoreModes) {

    public Threshold {
        segmentColumn = segmentColumn == null ? "" : segmentColumn;
        segments = segments == null ? Map.of() : new TreeMap<>(segments);
        scoreMode = scoreMode == null ? "" : scoreMode;
        scoreModes = scoreModes == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(scoreModes));
    }

    /** A single (global) threshold. */
    public Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats) {
        this(value, method, parameters, scoreStats, "", Map.of(), "", Map.of());
    }

    /** A threshold with per-segment values. */
    public Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats,
                     String segmentColumn, Map<String, Double> segments) {
        this(value, method, parameters, scoreStats, segmentColumn, segments, "", Map.of());
    }

    public boolean perSegment() {
        return !segmentColumn.isEmpty();
    }

    /** The threshold of one segment value (the global one when the segment has none of its own). */
    public double valueFor(String segment) {
        return segments.getOrDefault(segment, value);
    }

    /** This threshold as the one of {@code mode}, keeping a threshold for each of the model's score modes. */
    public Threshold withScoreModes(String mode, Map<String, Threshold> byMode) {
        return new Threshold(value, method, parameters, scoreStats, segmentColumn, segments, mode, byMode);
    }

    /**
     * The threshold for scoring in {@code mode}: this one when it is that mode's, else the one kept for it; fails,
     * naming the setting, when the bundle has none for that mode.
     */
    public Threshold forScoreMode(String mode) {
        if (mode.equals(scoreMode)) {
            return this;
        }
        Threshold t = scoreModes.get(mode);
        if (t == null) {
            throw new LakeadException("Setting 'score.mode' is '" + mode + "' but the model bundle has no threshold for"
                    + " that score mode" + (scoreModes.isEmpty() ? "" : " (it has: "
                    + String.join(", ", scoreModes.keySet()) + ")"));
        }
        return t.withScoreModes(mode, scoreModes);
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
        if (!scoreMode.isEmpty()) {
            m.put("score_mode", scoreMode);
        }
        if (!scoreModes.isEmpty()) {
            Map<String, Object> modes = new LinkedHashMap<>();
            scoreModes.forEach((k, t) -> modes.put(k, new Threshold(t.value, t.method, t.parameters, t.scoreStats,
                    t.segmentColumn, t.segments).asMap()));
            m.put("score_modes", modes);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Threshold fromMap(Map<String, Object> m) {
        Map<String, Double> segments = new TreeMap<>();
        ((Map<String, Object>) m.getOrDefault("segments", Map.of()))
                .forEach((k, v) -> segments.put(k, ((Number) v).doubleValue()));
        Map<String, Threshold> modes = new LinkedHashMap<>();
        Object stored = m.get("score_modes");
        if (stored instanceof Map) {
            ((Map<String, Object>) stored).forEach((k, v) -> modes.put(k, fromMap((Map<String, Object>) v)));
        }
        return new Threshold(((Number) m.get("value")).doubleValue(), (String) m.get("method"),
                (Map<String, Object>) m.getOrDefault("parameters", Map.of()),
                (Map<String, Object>) m.getOrDefault("score_stats", Map.of()),
                (String) m.getOrDefault("segment_column", ""), segments,
                (String) m.getOrDefault("score_mode", ""), modes);
    }

    public String describe() {
        String base = String.format("%.6g (%s %s%s)", value, method, parameters,
                scoreMode.isEmpty() ? "" : ", score mode " + scoreMode);
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
