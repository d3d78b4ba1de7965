package dev.lakead.io;

import dev.lakead.config.Settings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** Builds the job's SparkSession: spark-submit's master wins, else the spark.master setting (local[*]). */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(Settings settings, String jobName) {
        SparkConf probe = new SparkConf(); // picks up spark.* system properties set by spark-submit
        SparkSession.Builder builder = SparkSession.builder().appName("lakead-" + jobName);
        if (!probe.contains("spark.master")) {
            builder.master(settings.string("spark.master"));
        }
        // Re-running a job over the same input partitions must replace them, never append.
        builder.config("spark.sql.sources.partitionOverwriteMode", "dynamic");
        for (Map.Entry<String, String> e : settings.map("spark.conf").entrySet()) {
            builder.config(e.getKey(), e.getValue());
        }
        return builder.getOrCreate();
    }
}
