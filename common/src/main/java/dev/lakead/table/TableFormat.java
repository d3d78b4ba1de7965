package dev.lakead.table;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Map;

/**
 * The only format-specific code of lakead's output tables (the score table, the drift table): how one is read,
 * how partitions are replaced and how rows are updated in place. Everything else (column names, schema, where
 * a table lives, filters, which rows to re-label) is the same for every format and lives in {@link ScoreTable}
 * and {@link DriftTable}. A format is chosen by the setting {@code score.table-format} (see {@link TableFormats});
 * {@link ParquetTableFormat}, {@link IcebergTableFormat} and {@link DeltaTableFormat} implement it.
 */
public interface TableFormat {

    /** The name given in {@code score.table-format}. */
    String name();

    /** The table as a report or log names it: its directory, or its catalog name where the catalog is its home. */
    default String describe(SparkSession spark, TableLocation table) {
        return table.path();
    }

    /** Whether the table has been written. */
    boolean exists(SparkSession spark, TableLocation table);

    /** The whole table; fails naming {@link TableLocation#pathSetting()} when it does not exist or cannot be read. */
    Dataset<Row> read(SparkSession spark, TableLocation table);

    /** The table's partition columns, outermost first ([] for an unpartitioned or missing table). */
    List<String> partitionColumns(SparkSession spark, TableLocation table);

    /**
     * Writes {@code rows} so that every partition present in them is replaced as a whole and all other partitions
     * stay as they are; a rerun of the same partitions is idempotent and a failed write leaves the previous
     * partitions intact. Creates the table on first use and registers or refreshes its catalog name, if any.
     */
    void replacePartitions(Dataset<Row> rows, TableLocation table, List<String> partitionColumns);

    /**
     * Sets the given columns of the rows matching {@code where} to the given expressions, evaluated on each row's
     * current values; every other column and row stays as it is. A format may rewrite more than the matching rows
     * unchanged (Parquet rewrites whole partitions). Returns the number of rows rewritten.
     */
    long update(SparkSession spark, TableLocation table, TableFilter where, Map<String, Column> set);
}
