package dev.lakead.io;

import dev.lakead.SparkTestSupport;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkProgressTest extends SparkTestSupport {
    @Test
    void reportsRunningStagesWhileSlowTasksRunAndTheTotalsAtTheEnd() {
        spark.range(1000).repartition(4).write().parquet(path("rows"));
        List<String> lines = new CopyOnWriteArrayList<>();
        long counted;
        try (SparkProgress ignored = SparkProgress.start(spark, "slow step", Duration.ofMillis(200), lines::add)) {
            assertEquals("slow step", spark.sparkContext().getLocalProperty("spark.job.description"));
            counted = spark.read().parquet(path("rows")).repartition(4)
                    .mapPartitions((MapPartitionsFunction<Row, Long>) rows -> {
                        long n = 0;
                        while (rows.hasNext()) {
                            rows.next();
                            n++;
                        }
                        Thread.sleep(1500); // a long task: lines must come while it runs
                        return List.of(n).iterator();
                    }, Encoders.LONG()).collectAsList().stream().mapToLong(Long::longValue).sum();
        }
        assertEquals(1000, counted);
        assertTrue(lines.stream().anyMatch(l -> l.matches("slow step: stage '.*' [0-4]/4 tasks, [0-9,]+ rows in .*"
                + " \\([0-9,]+ rows/s\\), ETA .*")), String.join("\n", lines));
        String last = lines.get(lines.size() - 1);
        // 1,000 rows read from the files plus the same 1,000 again through the shuffle of repartition(4)
        assertTrue(last.matches("slow step: done in \\d+ s: \\d+ stages, \\d+ tasks, 2,000 rows read \\(.*"), last);
        assertNull(spark.sparkContext().getLocalProperty("spark.job.description"));
    }

    @Test
    void durationsReadLikeAPerson() {
        assertEquals("42 s", SparkProgress.duration(42.2));
        assertEquals("3 min 5 s", SparkProgress.duration(185));
        assertEquals("2 h 7 min", SparkProgress.duration(7620));
    }
}
