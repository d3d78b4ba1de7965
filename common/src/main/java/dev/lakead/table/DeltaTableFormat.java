package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.io.LakehouseCatalogs;
import dev.lakead.io.TableReader;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Delta tables at a path: the directory of the path setting (score.output-path, drift.output-path, a job's
 * *.scores-path) is the table, as for Parquet, and its catalog name, if any, is a table over that location in
 * spark_catalog (Delta's DeltaCatalog). Partitions are replaced by one commit with Delta's dynamic partition
 * overwrite (only the partitions present in the rows; others untouched) and a re-label is Delta's {@code UPDATE}
 * (DeltaTable.update): every commit is a version, so {@code VERSION AS OF <n>} reads the table as it was before.
 */
public final class DeltaTableFormat implements TableFormat {
    public static final String NAME = "delta";
    private static final Logger LOG = LoggerFactory.getLogger(DeltaTableFormat.class);

    public DeltaTableFormat() {
        if (!LakehouseCatalogs.deltaAvailable()) {
            throw new LakeadException("Setting 'score.table-format' is delta but Delta's runtime (delta-spark) is"
                    + " not on the classpath: add it (spark-submit --packages io.delta:delta-spark_2.12:3.3.2)");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean exists(SparkSession spark, TableLocation table) {
        return DeltaTable.isDeltaTable(spark, table.path());
    }

    @Override
    public Dataset<Row> read(SparkSession spark, TableLocation table) {
        if (!exists(spark, table)) {
            throw new LakeadException("Delta table " + table.path() + " (setting '" + table.pathSetting()
                    + "') does not exist");
        }
        try {
            return spark.read().format("delta").load(table.path());
        } catch (Exception e) { // AnalysisException, checked in Java's eyes
            throw new LakeadException("Cannot read the Delta table at " + table.path() + " (setting '"
                    + table.pathSetting() + "'): " + TableReader.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<String> partitionColumns(SparkSession spark, TableLocation table) {
        if (!exists(spark, table)) {
            return List.of();
        }
        Row detail = DeltaTable.forPath(spark, table.path()).detail().first();
        return List.copyOf(detail.<String>getList(detail.fieldIndex("partitionColumns")));
    }

    @Override
    public void replacePartitions(Dataset<Row> rows, TableLocation table, List<String> partitionColumns) {
        rows.write().format("delta")
                .mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(partitionColumns.toArray(new String[0]))
                .save(table.path());
        LOG.info("Delta table {} written (partitioned by {})", table.path(), partitionColumns);
        if (table.named()) {
            register(rows.sparkSession(), table);
        }
    }

    @Override
    public long update(SparkSession spark, TableLocation table, TableFilter where, Map<String, Column> set) {
        Dataset<Row> matching = TableReader.filtered(read(spark, table), where.expression(), where.setting(),
                table.path());
        long rows = matching.count();
        DeltaTable delta = DeltaTable.forPath(spark, table.path());
        long version = delta.history(1).first().getLong(0);
        LOG.info("Delta table {} before the update: version {} (SELECT ... FROM delta.`{}` VERSION AS OF {})",
                table.path(), version, table.path(), version);
        delta.update(where.isAll() ? functions.lit(true) : functions.expr(where.expression()), set);
        return rows;
    }

    /** Registers the catalog name over the table's location (once). */
    private static void register(SparkSession spark, TableLocation table) {
        String location = new org.apache.hadoop.fs.Path(table.path()).toUri().toString();
        try {
            spark.sql("CREATE TABLE IF NOT EXISTS " + table.name() + " USING delta LOCATION '"
                    + location.replace("'", "\\'") + "'");
        } catch (Exception e) { // AnalysisException / ParseException
            throw new LakeadException("Cannot register table '" + table.name() + "' (setting '" + table.nameSetting()
                    + "') over " + table.path() + ": " + TableReader.firstLine(e.getMessage()), e);
        }
    }
}
