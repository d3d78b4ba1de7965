package dev.lakead.io;

import dev.lakead.config.Settings;
import dev.lakead.models.NativeThreads;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * Builds the job's SparkSession: spark-submit's master wins, else the spark.master setting (local[*]). The catalog
 * that score tables are registered in follows catalog.type: a Derby-backed Hive metastore under catalog.dir for
 * local runs (so a later session or spark-sql sees the tables), served to every local job at once by
 * {@link LocalCatalog}, the cluster's Hive metastore
 * (hive-site.xml / spark.hadoop.hive.metastore.uris) otherwise, or Spark's in-memory catalog. Iceberg's and Delta's
 * session extensions and catalogs are added beside it when their runtimes are on the classpath ({@link LakehouseCatalogs}).
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    private static final String DIRECT_RESULT_KEY = "spark.task.maxDirectResultSize";

    public static SparkSession getOrCreate(Settings settings, String jobName) {
        requireJavaModuleOptions();
        SparkConf probe = new SparkConf(); // picks up spark.* system properties set by spark-submit
        SparkSession.Builder builder = SparkSession.builder().appName("lakead-" + jobName);
        String master = probe.contains("spark.master") ? probe.get("spark.master") : settings.string("spark.master");
        if (!probe.contains("spark.master")) {
            builder.master(master);
        }
        boolean sharedCatalog = catalog(builder, settings, master.startsWith("local"), probe)
                && LocalCatalog.available();
        // Re-running a job over the same input partitions must replace them, never append.
        builder.config("spark.sql.sources.partitionOverwriteMode", "dynamic");
        if (!submitted(probe, settings).containsKey(DIRECT_RESULT_KEY)) {
            // A training round returns each worker's parameters (megabytes); above Spark's 1 MB default every result
            // takes a detour through the block manager, 9 ms of a 135 ms round (bench/README, perf.sh)
            builder.config(DIRECT_RESULT_KEY, "64m");
        }
        for (Map.Entry<String, String> e : settings.map("spark.conf").entrySet()) {
            builder.config(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : LakehouseCatalogs.sessionConf(settings, master.startsWith("local"),
                submitted(probe, settings)).entrySet()) {
            builder.config(e.getKey(), e.getValue());
        }
        int threads = settings.integer("spark.native-threads-per-task");
        if (threads < 0) {
            throw new dev.lakead.LakeadException("Setting 'spark.native-threads-per-task' must be 0 (= spark.task.cpus)"
                    + " or a positive count, got " + threads);
        }
        builder.config(NativeThreads.SPARK_KEY, String.valueOf(threads));
        if (!probe.contains("spark.executorEnv.OMP_NUM_THREADS")) {
            // Executors of a cluster size their native thread pools when they start; tasks re-apply it (BatchScorer).
            builder.config("spark.executorEnv.OMP_NUM_THREADS", String.valueOf(NativeThreads.perTask(probe, threads)));
        }
        SparkSession session = builder.getOrCreate();
        if (sharedCatalog) {
            CatalogConfig catalog = CatalogConfig.from(settings);
            LocalCatalog.initialize(session, localCatalogDir(catalog.requiredDir()), catalog.localPort());
        }
        NativeThreads.use(NativeThreads.perTask(session.sparkContext().getConf())); // local mode: this JVM runs the tasks
        return session;
    }

    /**
     * Spark on Java 17 needs java.base opened to it. spark-submit adds the options to a client-mode driver and
     * SparkContext to executors, but a driver that a standalone Worker launches (cluster deploy mode) gets only what
     * the cluster configured; without them SparkContext fails deep inside with an IllegalAccessError.
     */
    static void requireJavaModuleOptions() {
        Module unnamed = SparkSessions.class.getModule();
        for (String pkg : new String[]{"java.lang", "java.nio", "sun.nio.ch", "java.util"}) {
            if (!Object.class.getModule().isOpen(pkg, unnamed)) {
                throw new dev.lakead.LakeadException("This JVM lacks the Java 17 options Spark needs (--add-opens="
                        + "java.base/" + pkg + "=ALL-UNNAMED and the rest of Spark's list): spark-submit adds them in"
                        + " client mode, but a standalone cluster-mode driver only has the cluster's own; put the list"
                        + " from scripts/lakead in the Workers' conf/java-opts or in spark.driver.extraJavaOptions");
            }
        }
    }

    /** Sets up the catalog; true when it is the shared local one ({@link LocalCatalog}). */
    private static boolean catalog(SparkSession.Builder builder, Settings settings, boolean local, SparkConf submitted) {
        CatalogConfig catalog = CatalogConfig.from(settings);
        String type = catalog.type();
        if ("auto".equals(type)) {
            type = !hiveAvailable() ? "in-memory" : local ? "hive-derby" : "hive";
        } else if (!"in-memory".equals(type) && !hiveAvailable()) {
            throw new dev.lakead.LakeadException("Setting 'catalog.type' is " + type + " but Spark's Hive support"
                    + " (spark-hive) is not on the classpath; use in-memory or add spark-hive");
        }
        switch (type) {
            case "hive-derby" -> {
                String dir = localCatalogDir(catalog.requiredDir());
                builder.config("spark.sql.catalogImplementation", "hive")
                        .config("spark.sql.warehouse.dir", dir + "/warehouse")
                        // a new metastore database gets its tables, whatever the JDBC URL
                        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
                        .config("spark.hadoop.hive.metastore.schema.verification", "false");
                if (LocalCatalog.available()) { // shared by every local job through one Derby network server
                    builder.config("spark.hadoop.javax.jdo.option.ConnectionURL",
                                    LocalCatalog.connect(dir, catalog.localPort()))
                            .config("spark.hadoop.javax.jdo.option.ConnectionDriverName", LocalCatalog.driver());
                } else { // the cluster jar has no Derby network server: embedded, one JVM at a time
                    builder.config("spark.hadoop.javax.jdo.option.ConnectionURL",
                            "jdbc:derby:;databaseName=" + dir + "/metastore_db;create=true");
                    System.setProperty("derby.system.home", dir); // derby.log there, not in the working directory
                }
                return true;
            }
            case "hive" -> {
                builder.config("spark.sql.catalogImplementation", "hive");
                return false;
            }
            default -> {
                builder.config("spark.sql.catalogImplementation", "in-memory");
                // Spark's default warehouse is spark-warehouse/ in the driver's working directory, where the catalog
                // creates the default database even though lakead's tables are external: keep it under catalog.dir,
                // which may be on HDFS like every other path (a warehouse given to spark-submit wins)
                String dir = catalog.dir();
                if (!dir.isBlank() && !submitted.contains("spark.sql.warehouse.dir")) {
                    builder.config("spark.sql.warehouse.dir", dir.replaceAll("/+$", "") + "/warehouse");
                }
                return false;
            }
        }
    }

    /** The Spark settings the user gave: spark-submit's (system properties) and the spark.conf setting's, which wins. */
    private static Map<String, String> submitted(SparkConf probe, Settings settings) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (scala.Tuple2<String, String> kv : probe.getAll()) {
            m.put(kv._1(), kv._2());
        }
        m.putAll(settings.map("spark.conf"));
        return m;
    }

    /**
     * catalog.dir as an absolute local path: the embedded Derby metastore is a database on this machine's disk. A
     * Hadoop URI of another file system is an error (java.io.File would have taken hdfs://host/x for a relative
     * path and created ./hdfs:/host/x).
     */
    static String localCatalogDir(String dir) {
        java.net.URI uri = new org.apache.hadoop.fs.Path(dir).toUri();
        if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
            throw new dev.lakead.LakeadException("Setting 'catalog.dir' is " + dir + ", but the embedded Derby"
                    + " metastore (catalog.type hive-derby, auto's choice for a local master) needs a local directory;"
                    + " give a local catalog.dir, or set catalog.type to in-memory or hive");
        }
        return new java.io.File(uri.getPath()).getAbsolutePath();
    }

    private static boolean hiveAvailable() {
        try {
            Class.forName("org.apache.spark.sql.hive.HiveSessionStateBuilder");
            Class.forName("org.apache.hadoop.hive.conf.HiveConf");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
