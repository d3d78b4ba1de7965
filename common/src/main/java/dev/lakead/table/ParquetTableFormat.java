package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import dev.lakead.io.TableReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lakead.io.ColumnRef.col;

/**
 * Tables as partitioned Parquet directories. Partitions are replaced with Spark's dynamic partition overwrite (Spark
 * stages the files and swaps them in at commit, so a failed job leaves the previous partition intact; other
 * partitions are untouched), and the catalog name, if any, is a table over the directory. An update rewrites the
 * whole partitions holding matching rows: staged beside the table (Spark cannot overwrite partitions it is
 * reading), then swapped in partition by partition.
 */
public final class ParquetTableFormat implements TableFormat {
    public static final String NAME = "parquet";
    private static final Logger LOG = LoggerFactory.getLogger(ParquetTableFormat.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean exists(SparkSession spark, TableLocation table) {
        return files(spark).exists(table.path());
    }

    @Override
    public Dataset<Row> read(SparkSession spark, TableLocation table) {
        return TableReader.parquet(spark, table.path(), table.pathSetting());
    }

    @Override
    public List<String> partitionColumns(SparkSession spark, TableLocation table) {
        return TableReader.partitionColumns(spark, table.path());
    }

    @Override
    public void replacePartitions(Dataset<Row> rows, TableLocation table, List<String> partitionColumns) {
        rows.write()
                .mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(partitionColumns.toArray(new String[0]))
                .parquet(table.path());
        LOG.info("Table written to {} (partitioned by {})", table.path(), partitionColumns);
        if (table.named()) {
            register(rows.sparkSession(), table.name(), table.path(), !partitionColumns.isEmpty(),
                    table.nameSetting());
        }
    }

    @Override
    public long update(SparkSession spark, TableLocation table, TableFilter where, Map<String, Column> set) {
        String path = table.path();
        List<String> partitions = partitionColumns(spark, table);
        if (partitions.isEmpty() && !where.isAll()) {
            throw new LakeadException("Re-labelling part of an unpartitioned score table is not possible ("
                    + path + " has no partition columns); leave " + where.setting() + " empty to re-label it all");
        }
        Dataset<Row> all = spark.read().parquet(path);
        Dataset<Row> selected = TableReader.filtered(all, where.expression(), where.setting(), path);
        if (!partitions.isEmpty() && !where.isAll()) { // whole partitions: every row of a touched partition
            Dataset<Row> touched = selected.select(partitions.stream().map(c -> col(c)).toArray(Column[]::new))
                    .distinct();
            selected = all.join(touched, scala.collection.JavaConverters.asScalaBuffer(partitions).toSeq(),
                    "left_semi");
        }
        List<Column> out = new ArrayList<>();
        for (String c : all.columns()) {
            out.add(set.containsKey(c) ? set.get(c).as(c) : col(c));
        }
        // beside the table, not inside it: overwriting an unpartitioned table replaces its whole directory
        String staging = path.replaceAll("/+$", "") + "._relabel-" + UUID.randomUUID();
        HadoopFiles files = files(spark);
        try {
            selected.select(out.toArray(new Column[0])).write().partitionBy(partitions.toArray(new String[0]))
                    .parquet(staging);
            Dataset<Row> staged = spark.read().parquet(staging);
            long rows = staged.count();
            // the staged table has the partition columns last, as the table has
            staged = staged.select(Arrays.stream(all.columns()).map(c -> col(c)).toArray(Column[]::new));
            replacePartitions(staged, table.unnamed(), partitions);
            return rows;
        } finally {
            files.delete(staging);
        }
    }

    /** Creates the catalog table over the Parquet directory if needed and makes new partitions visible. */
    public static void register(SparkSession spark, String tableName, String path, boolean partitioned,
                                String setting) {
        String location = new org.apache.hadoop.fs.Path(path).toUri().toString();
        try {
            if (!spark.catalog().tableExists(tableName)) {
                spark.sql("CREATE TABLE " + tableName + " USING parquet LOCATION '" + location.replace("'", "\\'")
                        + "'");
            }
            if (partitioned) {
                spark.catalog().recoverPartitions(tableName);
            }
            spark.catalog().refreshTable(tableName);
        } catch (Exception e) { // AnalysisException / ParseException
            throw new LakeadException("Cannot register table '" + tableName + "' (setting '" + setting + "') over "
                    + path + ": " + TableReader.firstLine(e.getMessage()), e);
        }
        LOG.info("Catalog table {} -> {}", tableName, path);
    }

    private static HadoopFiles files(SparkSession spark) {
        return new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }
}
