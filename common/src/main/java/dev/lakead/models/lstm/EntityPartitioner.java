package dev.lakead.models.lstm;

import org.apache.spark.Partitioner;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Spark partition (task) per entity, numbered largest entity first. Spark starts a stage's tasks in partition
 * order and hands the next one to whichever core frees up, so the biggest entities start first and the small ones
 * fill in behind them (longest-processing-time-first): per-entity training keeps every core busy instead of
 * training whatever the hash of the key happened to put into one task.
 */
final class EntityPartitioner extends Partitioner {
    private final Map<String, Integer> index = new HashMap<>();

    /** @param sizes each entity's number of rows (windows), which is what its training time grows with */
    EntityPartitioner(Map<String, Long> sizes) {
        List<Map.Entry<String, Long>> bySize = sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        for (Map.Entry<String, Long> e : bySize) {
            index.put(e.getKey(), index.size());
        }
    }

    @Override
    public int numPartitions() {
        return Math.max(1, index.size());
    }

    @Override
    public int getPartition(Object key) {
        Integer i = index.get(String.valueOf(key));
        if (i == null) {
            throw new IllegalArgumentException("Entity '" + key + "' was not counted before partitioning");
        }
        return i;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EntityPartitioner p && p.index.equals(index);
    }

    @Override
    public int hashCode() {
        return index.hashCode();
    }
}
