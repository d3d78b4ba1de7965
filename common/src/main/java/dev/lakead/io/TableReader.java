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
import java.util.List;

/** Reads the input table (Parquet directory with Hive-style partitions, or CSV) described by input.* settings. */
public final class TableReader {
    private static final Logger LOG = LoggerFactory.getLogger(TableReader.class);

    private TableReader() {
    }

    /** A table read from storage together with the partition columns found in its directory layout. */
    public record Table(Dataset<Row> rows, List<String> partitionColumns, String path) {
    }

    public static Table read(SparkSession spark, Settings settings) {
        return read(spark, settings.required("input.path"), settings.choice("input.format", "parquet", "csv"),
                settings.bool("input.csv.header"), settings.string("input.csv.delimiter"), settings.string("input.where"));
    }

    public static Table read(SparkSession spark, String path, String format, boolean csvHeader, String csvDelimiter,
                             String where) {
        requireExists(spark, path, "input.path");
        DataFrameReader reader = spark.read();
        Dataset<Row> df;
        try {
            if ("csv".equals(format)) {
                df = reader.option("header", csvHeader).option("delimiter", csvDelimiter)
                        .option("inferSchema", true).option("mode", "FAILFAST").csv(path);
            } else {
                df = reader.parquet(path);
            }
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new LakeadException("Cannot read " + format + " table at " + path + " (setting 'input.path'): "
                    + firstLine(e.getMessage()), e);
        }
        df = filtered(df, where, "input.where", path);
        List<String> partitions = partitionColumns(spark, path);
        LOG.info("Input {} ({}): {} columns, partition columns {}{}", path, format, df.columns().length, partitions,
                where == null || where.isBlank() ? "" : ", filter: " + where);
        return new Table(df, partitions, path);
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

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
