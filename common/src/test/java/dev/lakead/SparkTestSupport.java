package dev.lakead;

import dev.lakead.config.Settings;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** One local[2] SparkSession per test class, and a temp directory for its tables and bundles. */
public abstract class SparkTestSupport {
    protected static SparkSession spark;

    @TempDir
    protected static Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("lakead-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
                .config("spark.sql.warehouse.dir", tmp.resolve("spark-warehouse").toString())
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    protected static String path(String name) {
        return tmp.resolve(name).toString();
    }

    /** Defaults plus small, fast training settings; tests add what they need. */
    protected static Settings fastSettings() {
        return Settings.defaults().with(
                "train.epochs", "8",
                "train.batch-size-per-worker", "64",
                "train.averaging-frequency", "4",
                "train.holdout-fraction", "0.1",
                "model.root", path("models"),
                "prepared.path", path("prepared"),
                "evaluate.output-dir", path("reports"));
    }
}
