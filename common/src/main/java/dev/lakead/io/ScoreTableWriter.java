package dev.lakead.io;

import dev.lakead.LakeadException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * Writes a score table as partitioned Parquet with dynamic partition overwrite: the partitions present in the
 * output are replaced as a whole (Spark stages the files and swaps them in at commit, so a failed job leaves
 * the previous partition intact), other partitions are untouched. Then registers or refreshes the table in the
 * Spark catalog.
 */
public final class ScoreTableWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreTableWriter.class);

    private ScoreTableWriter() {
    }

    public static void write(Dataset<Row> table, String path, List<String> partitionColumns, String tableName) {
        List<String> columns = Arrays.asList(table.columns());
        for (String p : partitionColumns) {
            if (!columns.contains(p)) {
                throw new LakeadException("Partition column '" + p + "' (setting 'score.partition-columns') is not a"
                        + " column of the input; input columns: " + String.join(", ", columns));
            }
        }
        table.write()
                .mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(partitionColumns.toArray(new String[0]))
                .parquet(path);
        LOG.info("Score table written to {} (partitioned by {})", path, partitionColumns);
        if (tableName != null && !tableName.isBlank()) {
            register(table.sparkSession(), tableName, path, !partitionColumns.isEmpty());
        }
    }

    /** Creates the catalog table over the Parquet directory if needed and makes new partitions visible. */
    public static void register(SparkSession spark, String tableName, String path, boolean partitioned) {
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
            throw new LakeadException("Cannot register table '" + tableName + "' (setting 'score.table-name') over "
                    + path + ": " + TableReader.firstLine(e.getMessage()), e);
        }
        LOG.info("Catalog table {} -> {}", tableName, path);
    }
}
