package dev.lakead.sql;

import dev.lakead.ml.AnomalyDetectionModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bundles that {@code lakead_score} loaded, kept on the driver by URI so that repeated queries do not reload
 * them. Bundle versions are immutable (a retrained model is a new {@code vN}), so the URI is the key.
 */
final class DriverModels {
    private static final int MAX_CACHED = 8;
    private static final Map<String, AnomalyDetectionModel> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AnomalyDetectionModel> eldest) {
            return size() > MAX_CACHED;
        }
    };

    private DriverModels() {
    }

    static AnomalyDetectionModel get(String bundle) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(bundle, AnomalyDetectionModel::load);
        }
    }
}
