package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.io.LakehouseCatalogs;
import dev.lakead.io.TableReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.lakead.io.ColumnRef.col;

/**
 * Tables in an Iceberg catalog of the session, identified by their catalog name (score.table-name,
 * drift.table-name): {@code iceberg.lake.anomaly_scores}; a name whose first part is not an Iceberg catalog of the
 * session gets the session's Iceberg catalog in front ({@code lake.anomaly_scores} → {@code
 * iceberg.lake.anomaly_scores}, {@code anomaly_scores} → {@code iceberg.default.anomaly_scores}). The table's
 * location is the catalog's; the path setting is only read from, by path, when a reading job names no table
 * (a Hadoop catalog's table folder). Partitions are replaced by one commit ({@code overwritePartitions}, Iceberg's
 * dynamic overwrite; the table is created partitioned on first write) and a re-label is one SQL {@code UPDATE}:
 * every commit is a snapshot, so {@code VERSION AS OF <snapshot id>} reads the table as it was before.
 */
public final class IcebergTableFormat implements TableFormat {
    public static final String NAME = "iceberg";
    private static final Logger LOG = LoggerFactory.getLogger(IcebergTableFormat.class);

    public IcebergTableFormat() {
        if (!LakehouseCatalogs.icebergAvailable()) {
            throw new LakeadException("Setting 'score.table-format' is iceberg but Iceberg's runtime"
                    + " (iceberg-spark-runtime) is not on the classpath: add it (spark-submit --packages"
                    + " org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0)");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The catalog name (score.output-path only holds the score runs' records), or the path read without one. */
    @Override
    public String describe(SparkSession spark, TableLocation table) {
        return table.named() ? identifier(spark, table) : table.path();
    }

    @Override
    public boolean exists(SparkSession spark, TableLocation table) {
        if (!table.named()) {
            return new dev.lakead.io.HadoopFiles(spark.sparkContext().hadoopConfiguration())
                    .exists(table.path().replaceAll("/+$", "") + "/metadata");
        }
        return spark.catalog().tableExists(identifier(spark, table));
    }

    @Override
    public Dataset<Row> read(SparkSession spark, TableLocation table) {
        String what = table.named() ? identifier(spark, table) : table.path();
        String setting = table.named() ? table.nameSetting() : table.pathSetting();
        if (!exists(spark, table)) {
            throw new LakeadException("Iceberg table " + what + " (setting '" + setting + "') does not exist");
        }
        try {
            return table.named() ? spark.table(what) : spark.read().format("iceberg").load(what);
        } catch (Exception e) { // AnalysisException, checked in Java's eyes
            throw new LakeadException("Cannot read the Iceberg table " + what + " (setting '" + setting + "'): "
                    + TableReader.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<String> partitionColumns(SparkSession spark, TableLocation table) {
        if (!exists(spark, table)) {
            return List.of();
        }
        Dataset<Row> partitions = table.named() ? spark.table(identifier(spark, table) + ".partitions")
                : spark.read().format("iceberg").load(table.path() + "#partitions");
        StructType schema = partitions.schema();
        if (!Arrays.asList(schema.fieldNames()).contains("partition")) {
            return List.of();
        }
        // identity partitions are named after their column (lakead writes only those)
        return Arrays.stream(((StructType) schema.apply("partition").dataType()).fields()).map(StructField::name)
                .collect(Collectors.toList());
    }

    @Override
    public void replacePartitions(Dataset<Row> rows, TableLocation table, List<String> partitionColumns) {
        SparkSession spark = rows.sparkSession();
        String id = requireName(spark, table);
        boolean created = false;
        if (!spark.catalog().tableExists(id)) {
            createNamespace(spark, id, table);
            List<Column> by = partitionColumns.stream().map(c -> col(c)).collect(Collectors.toList());
            try {
                var writer = rows.writeTo(id).using("iceberg");
                if (!by.isEmpty()) {
                    writer = writer.partitionedBy(by.get(0), scala.collection.JavaConverters
                            .asScalaBuffer(by.subList(1, by.size())).toSeq());
                }
                writer.create();
                created = true;
            } catch (TableAlreadyExistsException e) {
                LOG.info("Iceberg table {} was created meanwhile by another writer; replacing partitions", id);
            }
        }
        if (!created) {
            try {
                rows.writeTo(id).overwritePartitions();
            } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
                throw new LakeadException("Iceberg table " + id + " (setting '" + table.nameSetting()
                        + "') disappeared while writing", e);
            }
        }
        LOG.info("Iceberg table {} {} (partitioned by {})", id, created ? "created" : "partitions replaced",
                partitionColumns);
    }

    @Override
    public long update(SparkSession spark, TableLocation table, TableFilter where, Map<String, Column> set) {
        String id = requireName(spark, table);
        Dataset<Row> matching = TableReader.filtered(read(spark, table), where.expression(), where.setting(), id);
        long rows = matching.count();
        LOG.info("Iceberg table {} before the update: snapshot {} (SELECT ... FROM {} VERSION AS OF <snapshot>)", id,
                currentSnapshot(spark, id), id);
        List<String> assignments = new ArrayList<>();
        set.forEach((c, v) -> assignments.add(col(c).expr().sql() + " = " + v.expr().sql()));
        String sql = "UPDATE " + id + " SET " + String.join(", ", assignments)
                + (where.isAll() ? "" : " WHERE " + where.expression());
        try {
            spark.sql(sql);
        } catch (Exception e) { // AnalysisException / ParseException
            throw new LakeadException("Cannot update the Iceberg table " + id + " (setting '" + table.nameSetting()
                    + "'): " + TableReader.firstLine(e.getMessage()), e);
        }
        return rows;
    }

    /** The id of the table's current snapshot (what {@code VERSION AS OF} takes), or -1 for none. */
    public static long currentSnapshot(SparkSession spark, String identifier) {
        List<Row> r = spark.sql("SELECT snapshot_id FROM " + identifier + ".snapshots ORDER BY committed_at DESC"
                + " LIMIT 1").collectAsList();
        return r.isEmpty() ? -1 : r.get(0).getLong(0);
    }

    /** The table's name with an Iceberg catalog in front (see the class comment). */
    public static String identifier(SparkSession spark, TableLocation table) {
        String name = table.name().strip();
        String first = name.split("\\.", 2)[0].replace("`", "");
        if (isIcebergCatalog(spark, first)) {
            return name;
        }
        String catalog = icebergCatalog(spark, table);
        return catalog + "." + (name.contains(".") ? name : "default." + name);
    }

    private static String requireName(SparkSession spark, TableLocation table) {
        if (!table.named()) {
            throw new LakeadException("An Iceberg score or drift table is written by its catalog name: set '"
                    + (table.nameSetting().isBlank() ? "score.table-name" : table.nameSetting())
                    + "' (e.g. iceberg.lake.anomaly_scores); " + table.path() + " ('" + table.pathSetting()
                    + "') is not enough");
        }
        return identifier(spark, table);
    }

    private static boolean isIcebergCatalog(SparkSession spark, String name) {
        String impl = spark.conf().get("spark.sql.catalog." + name, "");
        return LakehouseCatalogs.ICEBERG_CATALOG.equals(impl)
                || "org.apache.iceberg.spark.SparkSessionCatalog".equals(impl);
    }

    private static String icebergCatalog(SparkSession spark, TableLocation table) {
        List<String> catalogs = new ArrayList<>();
        scala.collection.Iterator<scala.Tuple2<String, String>> it = spark.conf().getAll().iterator();
        while (it.hasNext()) {
            scala.Tuple2<String, String> kv = it.next();
            String key = kv._1();
            if (key.startsWith("spark.sql.catalog.") && key.indexOf('.', "spark.sql.catalog.".length()) < 0
                    && LakehouseCatalogs.ICEBERG_CATALOG.equals(kv._2())) {
                catalogs.add(key.substring("spark.sql.catalog.".length()));
            }
        }
        if (catalogs.size() != 1) {
            throw new LakeadException("Setting '" + table.nameSetting() + "' = '" + table.name() + "' does not name"
                    + " an Iceberg catalog, and the session has " + (catalogs.isEmpty() ? "none"
                    : catalogs.size() + " (" + String.join(", ", catalogs) + ")") + " to put in front: give"
                    + " <catalog>.<db>.<table> (Iceberg's runtime and catalog: catalog.iceberg.*)");
        }
        return catalogs.get(0);
    }

    private static void createNamespace(SparkSession spark, String id, TableLocation table) {
        String[] parts = id.split("\\.");
        if (parts.length < 3) {
            return;
        }
        String namespace = String.join(".", Arrays.copyOf(parts, parts.length - 1));
        try {
            spark.sql("CREATE NAMESPACE IF NOT EXISTS " + namespace);
        } catch (Exception e) {
            throw new LakeadException("Cannot create the namespace " + namespace + " of the Iceberg table " + id
                    + " (setting '" + table.nameSetting() + "'): " + TableReader.firstLine(e.getMessage()), e);
        }
    }
}
