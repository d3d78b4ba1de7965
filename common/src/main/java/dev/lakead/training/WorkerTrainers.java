package dev.lakead.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps each partition's {@link LocalTrainer} in the executor JVM between averaging rounds, so its optimiser state
 * (Adam moments) carries over while its parameters are replaced by the average at every round. A partition that
 * lands on another executor simply starts a fresh optimiser there.
 */
final class WorkerTrainers {
    private static final int MAX = 64;
    private static final Map<String, LocalTrainer> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LocalTrainer> eldest) {
            return size() > MAX;
        }
    };

    private WorkerTrainers() {
    }

    static LocalTrainer get(String runId, int partition, LocalTrainer.Factory factory) {
        String key = runId + "#" + partition;
        synchronized (CACHE) {
            LocalTrainer t = CACHE.get(key);
            if (t != null) {
                return t;
            }
        }
        LocalTrainer created = factory.create();
        synchronized (CACHE) {
            CACHE.put(key, created);
        }
        return created;
    }

    static void release(String runId) {
        synchronized (CACHE) {
            CACHE.keySet().removeIf(k -> k.startsWith(runId + "#"));
        }
    }
}
