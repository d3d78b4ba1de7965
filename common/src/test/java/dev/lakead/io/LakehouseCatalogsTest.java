package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark settings that bring Iceberg and Delta into a session, and what of the user's they leave alone. */
class LakehouseCatalogsTest {
    private static final Settings DEFAULTS = Settings.defaults().with("catalog.dir", "/data/catalog");

    @Test
    void localRunGetsBothExtensionsDeltaAsSessionCatalogAndAHadoopIcebergCatalogUnderCatalogDir() {
        Map<String, String> conf = LakehouseCatalogs.sessionConf(DEFAULTS, true, Map.of(), true, true);
        assertEquals(Map.of(
                "spark.sql.extensions", LakehouseCatalogs.ICEBERG_EXTENSIONS + "," + LakehouseCatalogs.DELTA_EXTENSIONS,
                "spark.sql.catalog.spark_catalog", LakehouseCatalogs.DELTA_CATALOG,
                "spark.sql.catalog.iceberg", LakehouseCatalogs.ICEBERG_CATALOG,
                "spark.sql.catalog.iceberg.type", "hadoop",
                "spark.sql.catalog.iceberg.warehouse", "/data/catalog/iceberg"), conf);
    }

    @Test
    void aRelativeCatalogDirGivesAnAbsoluteWarehouse() {
        Map<String, String> conf = LakehouseCatalogs.sessionConf(Settings.defaults(), true, Map.of(), true, false);
        assertEquals(new File("metastore").getAbsolutePath() + "/iceberg",
                conf.get("spark.sql.catalog.iceberg.warehouse"));
    }

    @Test
    void clusterRunUsesTheHiveMetastoreOrTheGivenCatalog() {
        Map<String, String> hive = LakehouseCatalogs.sessionConf(DEFAULTS, false, Map.of(), true, true);
        assertEquals("hive", hive.get("spark.sql.catalog.iceberg.type"));
        assertFalse(hive.containsKey("spark.sql.catalog.iceberg.warehouse"), "the metastore's own warehouse");

        Map<String, String> rest = LakehouseCatalogs.sessionConf(DEFAULTS.with("catalog.iceberg.type", "rest",
                "catalog.iceberg.uri", "https://catalog.example/api", "catalog.iceberg.warehouse", "s3a://lake/wh",
                "catalog.iceberg.name", "lake"), false, Map.of(), true, true);
        assertEquals("rest", rest.get("spark.sql.catalog.lake.type"));
        assertEquals("https://catalog.example/api", rest.get("spark.sql.catalog.lake.uri"));
        assertEquals("s3a://lake/wh", rest.get("spark.sql.catalog.lake.warehouse"));
        assertEquals(LakehouseCatalogs.ICEBERG_CATALOG, rest.get("spark.sql.catalog.lake"));
        assertFalse(rest.containsKey("spark.sql.catalog.iceberg"));
    }

    @Test
    void theUsersOwnExtensionsAndCatalogsAreKept() {
        Map<String, String> submitted = Map.of(
                "spark.sql.extensions", "com.example.MyExtensions",
                "spark.sql.catalog.spark_catalog", "com.example.MyCatalog",
                "spark.sql.catalog.iceberg", "org.apache.iceberg.spark.SparkCatalog",
                "spark.sql.catalog.iceberg.type", "glue");
        Map<String, String> conf = LakehouseCatalogs.sessionConf(DEFAULTS, false, submitted, true, true);
        assertEquals(Map.of("spark.sql.extensions", "com.example.MyExtensions,"
                + LakehouseCatalogs.ICEBERG_EXTENSIONS + "," + LakehouseCatalogs.DELTA_EXTENSIONS), conf);

        // ours already listed: nothing to add; a key of ours the user set is theirs
        Map<String, String> again = LakehouseCatalogs.sessionConf(DEFAULTS, true, Map.of(
                "spark.sql.extensions", LakehouseCatalogs.DELTA_EXTENSIONS + "," + LakehouseCatalogs.ICEBERG_EXTENSIONS,
                "spark.sql.catalog.iceberg.warehouse", "hdfs://nn/wh"), true, true);
        assertFalse(again.containsKey("spark.sql.extensions"));
        assertFalse(again.containsKey("spark.sql.catalog.iceberg.warehouse"));
        assertEquals("hadoop", again.get("spark.sql.catalog.iceberg.type"));
    }

    @Test
    void missingRuntimesAndSwitchesLeaveTheSessionAsItWas() {
        assertTrue(LakehouseCatalogs.sessionConf(DEFAULTS, true, Map.of(), false, false).isEmpty());
        Map<String, String> deltaOnly = LakehouseCatalogs.sessionConf(DEFAULTS, true, Map.of(), false, true);
        assertEquals(LakehouseCatalogs.DELTA_EXTENSIONS, deltaOnly.get("spark.sql.extensions"));
        assertFalse(deltaOnly.keySet().stream().anyMatch(k -> k.startsWith("spark.sql.catalog.iceberg")));
        assertTrue(LakehouseCatalogs.sessionConf(DEFAULTS.with("catalog.iceberg.type", "none",
                "catalog.delta.session-catalog", "false"), true, Map.of(), true, true).isEmpty());
        assertTrue(LakehouseCatalogs.icebergAvailable() && LakehouseCatalogs.deltaAvailable(), "both on the test classpath");
    }

    @Test
    void anIcebergCatalogNamedLikeTheSessionCatalogIsRefused() {
        LakeadException e = assertThrows(LakeadException.class, () -> LakehouseCatalogs.sessionConf(
                DEFAULTS.with("catalog.iceberg.name", "spark_catalog"), true, Map.of(), true, true));
        assertTrue(e.getMessage().startsWith("Setting 'catalog.iceberg.name' must not be spark_catalog"),
                e.getMessage());
    }
}
