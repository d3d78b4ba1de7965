package dev.lakead.models.batch;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes each broadcast model once per executor JVM; every task then works on its own copy because DL4J
 * networks are not thread-safe.
 */
final class ExecutorModels {
    private static final int MAX_CACHED = 4;
    private static final Map<String, AnomalyModel> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AnomalyModel> eldest) {
            return size() > MAX_CACHED;
        }
    };

    private ExecutorModels() {
    }

    static AnomalyModel taskCopy(ModelPayload payload) {
        AnomalyModel prototype;
        synchronized (CACHE) {
            prototype = CACHE.get(payload.id());
            if (prototype == null) {
                prototype = ModelFamilies.get(payload.type()).decode(payload.bytes());
                CACHE.put(payload.id(), prototype);
            }
            return prototype.copy();
        }
    }
}
