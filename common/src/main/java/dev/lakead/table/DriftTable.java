package dev.lakead.table;

import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.List;

/**
 * The drift table, the one place that knows it: one row per feature (or the score distribution, or the anomaly
 * rate) per value of the partition column, where it lives (drift.output-path, drift.table-name) and writing it (a
 * rerun replaces the partitions it checked), in the format of {@code score.table-format} like the score table.
 */
public final class DriftTable {
    private static final Logger LOG = LoggerFactory.getLogger(DriftTable.class);
    public static final String FEATURE = "feature";
    public static final String REFERENCE_ROWS = "reference_rows";
    public static final String ROWS = "rows";
    public static final String PSI = "psi";
    public static final String KS = "ks";
    public static final String REFERENCE_RATE = "reference_rate";
    public static final String RATE = "rate";
    public static final String DRIFTED = "drifted";
    public static final String COMPUTED_AT = "computed_at";

    public static final String OUTPUT_PATH = "drift.output-path";
    public static final String TABLE_NAME = "drift.table-name";

    private final SparkSession spark;
    private final TableFormat format;
    private final TableLocation location;
    private final String partitionColumn;

    public DriftTable(SparkSession spark, TableFormat format, TableLocation location, String partitionColumn) {
        this.spark = spark;
        this.format = format;
        this.location = location;
        this.partitionColumn = partitionColumn;
    }

    /** drift.output-path (required) and drift.table-name. */
    public static TableLocation output(Settings s) {
        return new TableLocation(s.required(OUTPUT_PATH), s.string(TABLE_NAME), OUTPUT_PATH, TABLE_NAME);
    }

    public String path() {
        return location.path();
    }

    public StructType schema() {
        return DataTypes.createStructType(List.of(
                DataTypes.createStructField(FEATURE, DataTypes.StringType, false),
                DataTypes.createStructField(REFERENCE_ROWS, DataTypes.LongType, true),
                DataTypes.createStructField(ROWS, DataTypes.LongType, false),
                DataTypes.createStructField(PSI, DataTypes.DoubleType, true),
                DataTypes.createStructField(KS, DataTypes.DoubleType, true),
                DataTypes.createStructField(REFERENCE_RATE, DataTypes.DoubleType, true),
                DataTypes.createStructField(RATE, DataTypes.DoubleType, true),
                DataTypes.createStructField(DRIFTED, DataTypes.BooleanType, false),
                DataTypes.createStructField(ScoreTable.MODEL_NAME, DataTypes.StringType, false),
                DataTypes.createStructField(ScoreTable.MODEL_VERSION, DataTypes.StringType, false),
                DataTypes.createStructField(COMPUTED_AT, DataTypes.TimestampType, false),
                DataTypes.createStructField(partitionColumn, DataTypes.StringType, false)));
    }

    /** One row: a feature's PSI and KS (rates null), or the anomaly rate (PSI and KS null). */
    public static Row row(String feature, Long referenceRows, long rows, Double psi, Double ks, Double referenceRate,
                          Double rate, boolean drifted, String modelName, String modelVersion, Timestamp computedAt,
                          String partition) {
        return RowFactory.create(feature, referenceRows, rows, psi, ks, referenceRate, rate, drifted, modelName,
                modelVersion, computedAt, partition);
    }

    /** Replaces the partitions of {@code rows} (made by {@link #row}) and registers the catalog name. */
    public void write(List<Row> rows) {
        Dataset<Row> table = spark.createDataFrame(rows, schema()).coalesce(1);
        format.replacePartitions(table, location, List.of(partitionColumn));
        LOG.info("Drift table written to {} (partitioned by {})", location.path(), partitionColumn);
    }
}
