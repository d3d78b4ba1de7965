package dev.lakead.models.lstm;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EntityPartitionerTest {
    @Test
    void everyEntityGetsItsOwnTaskLargestFirst() {
        EntityPartitioner p = new EntityPartitioner(Map.of("small", 10L, "big", 900L, "mid", 300L, "mid2", 300L));
        assertEquals(4, p.numPartitions());
        assertEquals(0, p.getPartition("big"));
        assertEquals(1, p.getPartition("mid")); // ties by name, so the numbering is the same on every run
        assertEquals(2, p.getPartition("mid2"));
        assertEquals(3, p.getPartition("small"));
        Set<Integer> used = new HashSet<>();
        for (String e : new String[]{"small", "big", "mid", "mid2"}) {
            used.add(p.getPartition(e));
        }
        assertEquals(4, used.size());
    }

    @Test
    void anEntityNotCountedIsAnError() {
        EntityPartitioner p = new EntityPartitioner(Map.of("a", 1L));
        assertThrows(IllegalArgumentException.class, () -> p.getPartition("b"));
        assertEquals(1, new EntityPartitioner(Map.of()).numPartitions());
    }
}
