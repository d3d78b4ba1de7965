package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Iceberg and Delta in the session, each when its runtime is on the classpath (the local launcher's classpath has
 * both; a cluster has its own or takes them with spark-submit's packages option):
 * <ul>
 *   <li>their session extensions are appended to spark.sql.extensions, after any the user gave;</li>
 *   <li>Delta: spark_catalog becomes Delta's DeltaCatalog, which keeps serving the session's Hive or in-memory
 *       catalog, so Delta and plain Parquet/Hive tables live side by side (catalog.delta.session-catalog);</li>
 *   <li>Iceberg: a catalog named catalog.iceberg.name (tables {@code iceberg.db.table}); of type hadoop with its
 *       warehouse under catalog.dir for a local master, the cluster's Hive metastore otherwise, or any type Iceberg
 *       knows (rest, glue, nessie, jdbc, ...) with catalog.iceberg.uri and .warehouse.</li>
 * </ul>
 * A user's own spark.sql.catalog.* (spark-submit's --conf or the spark.conf setting) always wins: a catalog the user
 * defined is left alone, and so is any key of ours the user set.
 */
public final class LakehouseCatalogs {
    public static final String ICEBERG_EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
    public static final String ICEBERG_CATALOG = "org.apache.iceberg.spark.SparkCatalog";
    public static final String DELTA_EXTENSIONS = "io.delta.sql.DeltaSparkSessionExtension";
    public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
    static final String EXTENSIONS = "spark.sql.extensions";
    static final String SESSION_CATALOG = "spark.sql.catalog.spark_catalog";

    private LakehouseCatalogs() {
    }

    public static boolean icebergAvailable() {
        return present(ICEBERG_EXTENSIONS) && present(ICEBERG_CATALOG);
    }

    public static boolean deltaAvailable() {
        return present(DELTA_EXTENSIONS) && present(DELTA_CATALOG);
    }

    /**
     * The Spark settings that add the formats to a session, given the settings the user already passed to Spark
     * (submitted: spark-submit's and the spark.conf setting's), none of which is replaced.
     */
    public static Map<String, String> sessionConf(Settings settings, boolean local, Map<String, String> submitted) {
        return sessionConf(settings, local, submitted, icebergAvailable(), deltaAvailable());
    }

    static Map<String, String> sessionConf(Settings settings, boolean local, Map<String, String> submitted,
                                           boolean iceberg, boolean delta) {
        CatalogConfig catalog = CatalogConfig.from(settings);
        Map<String, String> conf = new LinkedHashMap<>();
        String icebergType = catalog.icebergType(local);
        String icebergName = catalog.icebergName();
        boolean withIceberg = iceberg && !"none".equals(icebergType) && !icebergName.isEmpty();
        boolean withDelta = delta && catalog.deltaSessionCatalog();
        List<String> extensions = new ArrayList<>();
        String given = submitted.getOrDefault(EXTENSIONS, "");
        for (String e : given.split(",")) {
            if (!e.isBlank()) {
                extensions.add(e.strip());
            }
        }
        int before = extensions.size();
        if (withIceberg && !extensions.contains(ICEBERG_EXTENSIONS)) {
            extensions.add(ICEBERG_EXTENSIONS);
        }
        if (withDelta && !extensions.contains(DELTA_EXTENSIONS)) {
            extensions.add(DELTA_EXTENSIONS);
        }
        if (extensions.size() > before) {
            conf.put(EXTENSIONS, String.join(",", extensions));
        }
        if (withDelta && !submitted.containsKey(SESSION_CATALOG)) {
            conf.put(SESSION_CATALOG, DELTA_CATALOG);
        }
        if (withIceberg) {
            String prefix = "spark.sql.catalog." + icebergName;
            if (icebergName.equals("spark_catalog")) {
                throw new LakeadException("Setting 'catalog.iceberg.name' must not be spark_catalog (the session"
                        + " catalog of Hive/Parquet and Delta tables); use another name, e.g. iceberg");
            }
            if (!submitted.containsKey(prefix)) { // a catalog the user defined is theirs
                Map<String, String> ours = new LinkedHashMap<>();
                ours.put(prefix, ICEBERG_CATALOG);
                ours.put(prefix + ".type", icebergType);
                String uri = catalog.icebergUri();
                if (!uri.isBlank()) {
                    ours.put(prefix + ".uri", uri);
                }
                String warehouse = icebergWarehouse(catalog, icebergType);
                if (!warehouse.isBlank()) {
                    ours.put(prefix + ".warehouse", warehouse);
                }
                ours.forEach((k, v) -> {
                    if (!submitted.containsKey(k)) {
                        conf.put(k, v);
                    }
                });
            }
        }
        return conf;
    }

    /** catalog.iceberg.warehouse, or for a hadoop catalog without one: iceberg/ under catalog.dir. */
    static String icebergWarehouse(CatalogConfig catalog, String type) {
        String warehouse = catalog.icebergWarehouse();
        if (!warehouse.isEmpty() || !"hadoop".equals(type)) {
            return warehouse;
        }
        String dir = catalog.dir().strip().replaceAll("/+$", "");
        if (dir.isEmpty()) {
            throw new LakeadException("Setting 'catalog.iceberg.type' is hadoop but neither 'catalog.iceberg.warehouse'"
                    + " nor 'catalog.dir' is set: give the Iceberg warehouse directory");
        }
        java.net.URI uri = new org.apache.hadoop.fs.Path(dir).toUri();
        if (uri.getScheme() == null) { // a local folder, made absolute: the warehouse must not move with the cwd
            dir = new java.io.File(dir).getAbsolutePath();
        }
        return dir + "/iceberg";
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, LakehouseCatalogs.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
