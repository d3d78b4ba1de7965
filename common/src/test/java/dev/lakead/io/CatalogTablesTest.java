package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session of a local run (SparkSessions: the Hive metastore in Derby under catalog.dir, spark_catalog as Delta's
 * catalog, an Iceberg catalog with its warehouse under catalog.dir) holding the same synthetic lake as a Hive/Parquet
 * table, a Delta table and an Iceberg table; preprocess and score read each by name, filters pushed down.
 */
class CatalogTablesTest {
    private static final int ROWS_PER_DAY = 300;
    private static final String PARQUET = "lake.readings_parquet";
    private static final String DELTA = "lake.readings_delta";
    private static final String ICEBERG = "iceberg.lake.readings";

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Settings settings;

    @BeforeAll
    static void lakeInThreeFormats() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        settings = Settings.defaults().with(
                "spark.master", "local[2]",
                "spark.conf.spark.ui.enabled", "false",
                "spark.conf.spark.sql.shuffle.partitions", "4",
                "catalog.type", "hive-derby",
                "catalog.dir", tmp.resolve("catalog").toString(),
                "catalog.port", String.valueOf(port),
                "train.epochs", "2", "train.batch-size-per-worker", "64", "train.holdout-fraction", "0",
                "model.name", "lake", "model.root", tmp.resolve("models").toString(),
                "model.hidden-sizes", "4,2",
                "prepared.path", tmp.resolve("prepared").toString(),
                "score.table-name", "");
        spark = SparkSessions.getOrCreate(settings, "catalog-tables-test");
        Dataset<Row> lake = SyntheticSensorLake.generate(spark, new SyntheticSensorLake.Spec(ROWS_PER_DAY, 3, 4,
                0.02, 0.0, 11, LocalDate.of(2026, 11, 1), 2));
        String path = tmp.resolve("lake").toString();
        SyntheticSensorLake.write(lake, path);
        Dataset<Row> rows = spark.read().parquet(path);
        spark.sql("CREATE DATABASE IF NOT EXISTS lake");
        rows.write().format("parquet").partitionBy("dt").saveAsTable(PARQUET);
        rows.write().format("delta").partitionBy("dt").saveAsTable(DELTA);
        spark.sql("CREATE NAMESPACE IF NOT EXISTS iceberg.lake");
        rows.createOrReplaceTempView("lake_rows");
        spark.sql("CREATE TABLE " + ICEBERG + " USING iceberg PARTITIONED BY (dt) AS SELECT * FROM lake_rows");

        // one model for the three: trained on the first day of the Hive table, read by name
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark, settings.with("input.table", PARQUET,
                "input.where", "dt = '2026-11-01' AND label = 0")));
        assertTrue(prep.trainingRows() > ROWS_PER_DAY * 0.9, "rows " + prep.trainingRows());
        TrainStep.run(JobContext.of(spark, settings));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {PARQUET, DELTA, ICEBERG})
    void preprocessAndScoreReadTheTableByName(String table) {
        String name = table.replace('.', '_');
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark, settings.with("input.table", table,
                "input.where", "dt = '2026-11-02'", "prepared.path", tmp.resolve("prepared-" + name).toString())));
        assertEquals(ROWS_PER_DAY, prep.inputRows());
        assertTrue(prep.featureColumns().containsAll(List.of("s00", "s01", "s02", "s03"))
                && !prep.featureColumns().contains("dt") && !prep.featureColumns().contains("label")
                && !prep.featureColumns().contains("record_id"), "features " + prep.featureColumns());

        String out = tmp.resolve("scores-" + name).toString();
        ScoreStep.Result r = ScoreStep.run(JobContext.of(spark, settings.with("input.table", table,
                "input.where", "dt >= '2026-11-02'", "score.output-path", out)));
        Dataset<Row> scores = spark.read().parquet(out);
        assertEquals(2L * ROWS_PER_DAY, scores.count());
        assertEquals(ROWS_PER_DAY, scores.where("dt = '2026-11-03'").count(), "partitioned by the table's dt");
        assertEquals(0, scores.where("anomaly_score IS NULL").count());
        assertEquals(table, r.audit().path());
    }

    @Test
    void theWhereFilterReachesTheTableScan() {
        for (String table : List.of(PARQUET, DELTA, ICEBERG)) {
            TableReader.Table t = TableReader.read(spark, settings.with("input.table", table,
                    "input.where", "dt = '2026-11-03'"));
            assertEquals(List.of("dt"), t.partitionColumns(), table);
            String plan = t.rows().queryExecution().executedPlan().toString();
            // the scan itself holds the filter: PartitionFilters of a file scan (Hive/Parquet, Delta), the pushed
            // filters of Iceberg's BatchScan (its date as days since 1970)
            String day = String.valueOf(LocalDate.of(2026, 11, 3).toEpochDay());
            assertTrue(plan.lines().anyMatch(l -> l.contains("Scan") && (l.contains("2026-11-03")
                    || l.contains("filters=") && l.contains("dt = " + day))), table + ": " + plan);
            assertEquals(ROWS_PER_DAY, t.rows().count(), table);
        }
    }

    @Test
    void deltaIcebergAndHiveTablesCoexistInOneSession() {
        assertEquals(3L * ROWS_PER_DAY, spark.sql("SELECT count(*) FROM " + PARQUET + " p JOIN " + DELTA
                + " d USING (record_id) JOIN " + ICEBERG + " i USING (record_id)").first().getLong(0));
        assertEquals("delta", spark.sql("DESCRIBE DETAIL " + DELTA).select("format").first().getString(0));
        assertTrue(spark.sql("SELECT * FROM " + ICEBERG + ".snapshots").count() >= 1, "an Iceberg table");
        String provider = spark.sql("DESCRIBE TABLE EXTENDED " + PARQUET).where("col_name = 'Provider'")
                .first().getString(1);
        assertEquals("parquet", provider);
        // a plain table registered after them (as the score job registers its table) lands in the same metastore
        spark.sql("CREATE TABLE lake.plain (x INT) USING parquet");
        assertTrue(spark.catalog().tableExists("lake.plain"));
        assertTrue(spark.catalog().tableExists(DELTA) && spark.catalog().tableExists(ICEBERG));
    }

    @Test
    void trainingRoundsReturnTheirParametersDirectly() {
        // a round's parameters (megabytes) go back with the task's status, not through the block manager
        assertEquals("64m", spark.sparkContext().getConf().get("spark.task.maxDirectResultSize"));
    }

    @Test
    void anUnknownTableIsNamed() {
        LakeadException e = assertThrows(LakeadException.class, () -> TableReader.read(spark,
                settings.with("input.table", "lake.nope")));
        assertEquals("Table lake.nope (setting 'input.table') does not exist in the catalog", e.getMessage());
        e = assertThrows(LakeadException.class, () -> TableReader.read(spark,
                settings.with("input.table", "iceberg.lake.nope")));
        assertEquals("Table iceberg.lake.nope (setting 'input.table') does not exist in the catalog", e.getMessage());
        e = assertThrows(LakeadException.class, () -> TableReader.read(spark,
                settings.with("input.table", "icebrg.lake.readings")));
        assertEquals("Table icebrg.lake.readings (setting 'input.table') does not exist in the catalog: the session"
                + " has no catalog 'icebrg'", e.getMessage());
    }
}
