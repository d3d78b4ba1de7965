package dev.lakead.jobs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a job's settings come from on a cluster, through the real command line: --config as an hdfs:// URI of a
 * real HDFS, a file shipped with --files (spark.files), and spark-submit's --conf spark.lakead.* (system
 * properties of the driver JVM, as spark-submit sets them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigSourcesTest {
    MiniHdfs hdfs;

    @BeforeAll
    void startHdfs() throws Exception {
        hdfs = MiniHdfs.start(Path.of("target/config-sources-hdfs"));
        hdfs.write("/conf/sensors.conf", "lakead { model.name = from-hdfs, train.epochs = 3, prepared.path = \"" + hdfs.url("/prepared") + "\" }\n");
    }

    @AfterAll
    void stopHdfs() {
        if (hdfs != null) hdfs.close();
    }

    @Test
    void configFromAnHdfsUri() {
        CliRun r = CliRun.of("train", "--config", hdfs.url("/conf/sensors.conf"), "--dry-run");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"from-hdfs\""), r.out());
    }

    @Test
    void configShippedWithFilesIsFoundByItsName() {
        System.setProperty("spark.files", hdfs.url("/conf/sensors.conf"));
        try {
            CliRun r = CliRun.of("train", "--config", "sensors.conf", "--dry-run");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("\"from-hdfs\""), r.out());
        } finally {
            System.clearProperty("spark.files");
        }
    }

    @Test
    void missingOrUnreadableConfigIsOneLineAndExitTwo() {
        CliRun missing = CliRun.of("train", "--config", hdfs.url("/conf/nope.conf"), "--dry-run");
        assertEquals(2, missing.exitCode());
        assertEquals("lakead train: error: Config file " + hdfs.url("/conf/nope.conf") + " does not exist",
                missing.err().strip());

        CliRun bare = CliRun.of("train", "--config", "nope.conf", "--dry-run");
        assertEquals(2, bare.exitCode());
        assertEquals(1, bare.err().strip().lines().count(), bare.err());
        assertTrue(bare.err().contains("Config file nope.conf does not exist on the driver"), bare.err());
        assertFalse(bare.err().contains("Exception"), bare.err());
    }

    @Test
    void sparkLakeadPropertiesAreSettingsAndSetOverridesThem() {
        System.setProperty("spark.lakead.train.epochs", "7");
        System.setProperty("spark.lakead.model.name", "from-spark-conf");
        try {
            CliRun r = CliRun.of("train", "--config", hdfs.url("/conf/sensors.conf"),
                    "--set", "model.name=from-set", "--dry-run");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("\"epochs\" : \"7\""), r.out());
            assertTrue(r.out().contains("\"from-set\""), r.out());

            System.setProperty("spark.lakead.train.epochz", "7");
            CliRun bad = CliRun.of("train", "--dry-run");
            assertEquals(2, bad.exitCode());
            assertTrue(bad.err().contains("Unknown setting 'train.epochz'")
                    && bad.err().contains("(from --conf spark.lakead.train.epochz)"), bad.err());
        } finally {
            System.clearProperty("spark.lakead.train.epochs");
            System.clearProperty("spark.lakead.model.name");
            System.clearProperty("spark.lakead.train.epochz");
        }
    }
}
