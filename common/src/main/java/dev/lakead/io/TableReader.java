package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the input table described by input.* settings: a Parquet directory with Hive-style partitions, CSV or JSON
 * lines at input.path, or a catalog table by name (input.table: Hive/Parquet, Delta, Iceberg, whatever the session's
 * catalogs serve); {@link InputAudit} then checks its records.
 */
public final class TableReader {
    private static final Logger LOG = LoggerFactory.getLogger(TableReader.class);

    private TableReader() {
    }

    /**
     * A table read from storage together with the partition columns found in its directory layout, and how it was
     * read (so that {@link InputAudit} can read a text table again with the feature columns typed).
     */
    public record Table(Dataset<Row> rows, List<String> partitionColumns, String path, Source source) {
    }

    /** Where and how a table is read: format, CSV options and the filter. */
    public record Source(String path, String format, boolean csvHeader, String csvDelimiter, String where) {
        /** CSV and JSON: records are parsed from text, so some may not parse (malformed). */
        public boolean text() {
            return "csv".equals(format) || "json".equals(format);
        }

        /**
         * The text table read with a given schema and one of Spark's parse modes (PERMISSIVE, DROPMALFORMED,
         * FAILFAST); corruptColumn, when not null, is the column that PERMISSIVE fills with a malformed line.
         */
        public Dataset<Row> readText(SparkSession spark, org.apache.spark.sql.types.StructType schema, String mode,
                                     String corruptColumn) {
            DataFrameReader reader = spark.read().schema(schema).option("mode", mode);
            if (corruptColumn != null) {
                reader = reader.option("columnNameOfCorruptRecord", corruptColumn);
            }
            Dataset<Row> df = "csv".equals(format)
                    ? reader.option("header", csvHeader).option("delimiter", csvDelimiter).csv(path)
                    : reader.json(path);
            return filtered(df, where, "input.where", path);
        }
    }

    public static Table read(SparkSession spark, Settings settings) {
        String table = settings.string("input.table").strip();
        if (!table.isEmpty()) {
            return table(spark, table, "input.table", where(settings));
        }
        return read(spark, requireInput(settings), settings, where(settings));
    }

    /** The table at {@code path} in the input's format (input.format, input.csv.*), filtered by {@code where}. */
    public static Table read(SparkSession spark, String path, Settings settings, String where) {
        return read(spark, path, format(settings), settings.bool("input.csv.header"),
                settings.string("input.csv.delimiter"), where);
    }

    /** input.format: one of {@link #FORMATS}. */
    public static String format(Settings settings) {
        return settings.choice("input.format", FORMATS);
    }

    /** input.where: the rows and partitions to read ("" = all). */
    public static String where(Settings settings) {
        return settings.string("input.where");
    }

    /**
     * The input's path, or the table's name when input.table is set; neither set fails naming both settings (a job
     * checks it before starting Spark).
     */
    public static String requireInput(Settings settings) {
        String table = settings.string("input.table").strip();
        if (!table.isEmpty()) {
            return table;
        }
        String path = settings.string("input.path");
        if (path.isBlank()) {
            throw new LakeadException("Setting 'input.path' is required but empty (--input PATH), or read a"
                    + " catalog table by name: 'input.table' (--input-table db.table)");
        }
        return path;
    }

    /** The format recorded for a table read by name (the catalog knows its real format). */
    public static final String CATALOG = "table";

    /**
     * A table of the session's catalogs by name (db.table, catalog.db.table), filtered by where: Spark pushes the
     * filter into the table's scan (partition pruning and data skipping in Parquet/Hive, Delta and Iceberg alike).
     * An unknown table, or a catalog the session does not have, fails naming the table and the setting.
     */
    public static Table table(SparkSession spark, String name, String setting, String where) {
        Dataset<Row> df;
        try {
            if (!spark.catalog().tableExists(name)) {
                throw new LakeadException("Table " + name + " (setting '" + setting + "') does not exist in the"
                        + " catalog" + missingCatalog(spark, name));
            }
            df = spark.read().table(name);
        } catch (LakeadException e) {
            throw e;
        } catch (Exception e) { // AnalysisException (checked in Java's eyes), a catalog plugin that cannot load
            String noCatalog = missingCatalog(spark, name);
            throw new LakeadException(noCatalog.isEmpty() ? "Cannot read table " + name + " (setting '" + setting
                    + "'): " + firstLine(rootMessage(e)) : "Table " + name + " (setting '" + setting + "') does not"
                    + " exist in the catalog" + noCatalog, e);
        }
        df = filtered(df, where, "input.where", name);
        List<String> partitions = tablePartitionColumns(spark, name);
        LOG.info("Input table {}: {} columns, partition columns {}{}", name, df.columns().length, partitions,
                where == null || where.isBlank() ? "" : ", filter: " + where);
        return new Table(df, partitions, name, new Source(name, CATALOG, false, ",", where));
    }

    /**
     * Why a catalog.db.table name finds nothing when the session has no such catalog (an Iceberg catalog whose runtime
     * is missing, a misspelt catalog name), else "".
     */
    static String missingCatalog(SparkSession spark, String name) {
        String[] parts = name.split("\\.");
        if (name.contains("`") || parts.length < 3 || "spark_catalog".equals(parts[0])
                || spark.conf().contains("spark.sql.catalog." + parts[0])) {
            return "";
        }
        String why = ": the session has no catalog '" + parts[0] + "'";
        if (!LakehouseCatalogs.icebergAvailable()) {
            why += " (Iceberg's runtime is not on the classpath: spark-submit --packages"
                    + " org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0)";
        }
        return why;
    }

    /**
     * The partition columns of a catalog table, outermost first (identity partitions of Iceberg tables); none when
     * the catalog does not say.
     */
    static List<String> tablePartitionColumns(SparkSession spark, String name) {
        try {
            List<String> names = new ArrayList<>();
            for (org.apache.spark.sql.catalog.Column c : spark.catalog().listColumns(name).collectAsList()) {
                if (c.isPartition()) {
                    names.add(c.name());
                }
            }
            return names;
        } catch (Exception e) { // AnalysisException: a catalog that cannot list columns
            LOG.warn("Partition columns of table {} unknown: {}", name, firstLine(e.getMessage()));
            return List.of();
        }
    }

    /** The exception's message, else its root cause's (a catalog plugin that cannot load names its class there). */
    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().strip();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** Values of the setting input.format. */
    public static final String[] FORMATS = {"parquet", "csv", "json"};

    public static Table read(SparkSession spark, String path, String format, boolean csvHeader, String csvDelimiter,
                             String where) {
        requireExists(spark, path, "input.path");
        DataFrameReader reader = spark.read();
        Dataset<Row> df;
        try {
            if ("csv".equals(format)) {
                df = reader.option("header", csvHeader).option("delimiter", csvDelimiter)
                        .option("inferSchema", true).csv(path);
            } else if ("json".equals(format)) {
                df = reader.json(path);
                if (Arrays.asList(df.columns()).contains(JSON_CORRUPT)) { // lines that did not parse: InputAudit's
                    df = df.drop(JSON_CORRUPT);
                }
            } else {
                df = reader.parquet(path);
            }
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new LakeadException("Cannot read " + format + " table at " + path + " (setting 'input.path'): "
                    + firstLine(e.getMessage()), e);
        }
        if (df.columns().length == 0) { // an empty file or directory: Spark infers no columns at all
            throw new LakeadException("The " + format + " table at " + path + " (setting 'input.path') is empty: no"
                    + " columns and no rows");
        }
        df = filtered(df, where, "input.where", path);
        List<String> partitions = partitionColumns(spark, path);
        LOG.info("Input {} ({}): {} columns, partition columns {}{}", path, format, df.columns().length, partitions,
                where == null || where.isBlank() ? "" : ", filter: " + where);
        return new Table(df, partitions, path, new Source(path, format, csvHeader, csvDelimiter, where));
    }

    /** The column where Spark's JSON schema inference puts lines that are not JSON. */
    private static final String JSON_CORRUPT = "_corrupt_record";

    /**
     * A Parquet table a setting names (a score table, labels): a missing path, or a folder without Parquet files
     * (Spark cannot infer a schema), fails naming the setting.
     */
    public static Dataset<Row> parquet(SparkSession spark, String path, String setting) {
        requireExists(spark, path, setting);
        try {
            return spark.read().parquet(path);
        } catch (Exception e) { // AnalysisException, checked in Java's eyes
            throw new LakeadException("Cannot read the Parquet table at " + path + " (setting '" + setting + "'): "
                    + firstLine(e.getMessage()), e);
        }
    }

    /** Applies a SQL filter given by a setting; a bad filter fails naming that setting. */
    public static Dataset<Row> filtered(Dataset<Row> df, String where, String setting, String path) {
        if (where == null || where.isBlank()) {
            return df;
        }
        try {
            return df.where(where);
        } catch (Exception e) { // AnalysisException / ParseException
            throw new LakeadException("Setting '" + setting + "' is not a valid filter on " + path + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    /** Fails with a message naming the setting when a path is missing. */
    public static void requireExists(SparkSession spark, String path, String setting) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new LakeadException("Path " + path + " (setting '" + setting + "') does not exist");
            }
        } catch (IOException e) {
            throw new LakeadException("Cannot access " + path + " (setting '" + setting + "'): " + e.getMessage(), e);
        }
    }

    /** Hive-style partition columns (name=value directories) under a table directory, outermost first. */
    public static List<String> partitionColumns(SparkSession spark, String path) {
        List<String> names = new ArrayList<>();
        try {
            Path dir = new Path(path);
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.getFileStatus(dir).isDirectory()) {
                return names;
            }
            while (true) {
                Path next = null;
                for (FileStatus st : fs.listStatus(dir)) {
                    String name = st.getPath().getName();
                    if (st.isDirectory() && name.contains("=") && !name.startsWith("_") && !name.startsWith(".")) {
                        names.add(name.substring(0, name.indexOf('=')));
                        next = st.getPath();
                        break;
                    }
                }
                if (next == null) {
                    return names;
                }
                dir = next;
            }
        } catch (IOException e) {
            throw new LakeadException("Cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
