package dev.lakead.thresholds;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decision threshold on the anomaly score (score &gt; value = anomaly) with the method and parameters that
 * produced it and summary statistics of the scores it was computed from.
 */
public record Threshold(double value, String method, Map<String, Object> parameters, Map<String, Object> scoreStats) {

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("method", method);
        m.put("parameters", parameters);
        m.put("score_stats", scoreStats);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Threshold fromMap(Map<String, Object> m) {
        return new Threshold(((Number) m.get("value")).doubleValue(), (String) m.get("method"),
                (Map<String, Object>) m.getOrDefault("parameters", Map.of()),
                (Map<String, Object>) m.getOrDefault("score_stats", Map.of()));
    }

    public String describe() {
        return String.format("%.6g (%s %s)", value, method, parameters);
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
