package dev.lakead.sql;

import dev.lakead.scoring.RealtimeScorer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real-time scorers behind the scalar functions: each bundle is read once per JVM (executor, or the driver when
 * a query is analysed), and every task thread scores with its own copy because DL4J networks are not thread-safe.
 */
final class ExecutorScorers {
    private static final int MAX_CACHED = 4;
    private static final Map<String, RealtimeScorer> PROTOTYPES = lru();
    /** Spark's task threads are pooled, so a thread's copy serves its later tasks too. */
    private static final ThreadLocal<Map<String, RealtimeScorer>> THREAD_COPIES = ThreadLocal.withInitial(
            ExecutorScorers::lru);

    private ExecutorScorers() {
    }

    private static Map<String, RealtimeScorer> lru() {
        return new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RealtimeScorer> eldest) {
                return size() > MAX_CACHED;
            }
        };
    }

    /** The bundle's shared scorer: for its feature columns and threshold, not for scoring. */
    static RealtimeScorer prototype(String bundle) {
        synchronized (PROTOTYPES) {
            return PROTOTYPES.computeIfAbsent(bundle, RealtimeScorer::load);
        }
    }

    /** This thread's own scorer of the bundle. */
    static RealtimeScorer forThisThread(String bundle) {
        Map<String, RealtimeScorer> mine = THREAD_COPIES.get();
        RealtimeScorer scorer = mine.get(bundle);
        if (scorer == null) {
            scorer = prototype(bundle).copy();
            mine.put(bundle, scorer);
        }
        return scorer;
    }
}
