package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.io.SparkSessions;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.thresholds.Threshold;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * score.table-format = iceberg | delta: a day's partitions replaced by one commit (no duplicates on a rerun), a
 * re-label as an UPDATE that time travel sees past, two writers of different days at once, and the score step
 * writing an Iceberg table. One local session with both formats (an in-memory catalog, Iceberg's Hadoop catalog
 * under catalog.dir), as the launcher builds it.
 */
class LakehouseScoreTablesTest {
    private static final double SCORES_SUM = 45.0; // scores 0..9 of one model on one day

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Settings settings;

    @BeforeAll
    static void session() {
        settings = Settings.defaults().with(
                "spark.master", "local[2]",
                "spark.conf.spark.ui.enabled", "false",
                "spark.conf.spark.sql.shuffle.partitions", "2",
                // Delta rebuilds a table's state over 50 partitions by default: slow for tiny tables
                "spark.conf.spark.databricks.delta.snapshotPartitions", "1",
                "catalog.type", "in-memory",
                "catalog.dir", tmp.resolve("catalog").toString());
        spark = SparkSessions.getOrCreate(settings, "lakehouse-score-tables-test");
        spark.sql("CREATE DATABASE IF NOT EXISTS lake");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Scored records of {@code model}: scores 0..n-1 on one day, decided by threshold 5. */
    private static Dataset<Row> day(String dt, String model, int n) {
        return ScoreTableTest.day(spark, dt, model, n);
    }

    /** The score job's table in {@code format}: Iceberg by its catalog name, Delta at its path (and named). */
    private static ScoreTable table(String format, String name) {
        String catalogName = format.equals("iceberg") ? "iceberg.lake." + name : "lake." + name;
        TableLocation location = new TableLocation(tmp.resolve(name).toString(), catalogName,
                ScoreTable.OUTPUT_PATH, ScoreTable.TABLE_NAME);
        return ScoreTable.at(spark, settings.with(TableFormats.SETTING, format), location);
    }

    private static long count(ScoreTable t, String where) {
        return t.read().where(where).count();
    }

    /** The table as of {@code version} (Iceberg: a snapshot id, Delta: a version), through SQL time travel. */
    private static Dataset<Row> asOf(String format, ScoreTable t, long version) {
        String table = format.equals("iceberg") ? t.location().name() : "delta.`" + t.path() + "`";
        return spark.sql("SELECT * FROM " + table + " VERSION AS OF " + version);
    }

    private static long currentVersion(String format, ScoreTable t) {
        return format.equals("iceberg") ? IcebergTableFormat.currentSnapshot(spark, t.location().name())
                : DeltaTable.forPath(spark, t.path()).history(1).first().getLong(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iceberg", "delta"})
    void aRerunReplacesItsDayAndARelabelIsAnUpdateThatTimeTravelSeesPast(String format) {
        ScoreTable t = table(format, "daily_" + format);
        assertEquals(format, t.format().name());
        t.write(day("2026-11-01", "m", 10).union(day("2026-11-01", "other", 10)).union(day("2026-11-02", "m", 10)),
                List.of("dt"));
        assertEquals(List.of("dt"), t.partitionColumns());
        assertEquals(30, t.read().count());

        t.write(day("2026-11-02", "m", 10), List.of("dt")); // a rerun of day 2: the same rows once
        t.write(day("2026-11-02", "m", 10), List.of("dt"));
        assertEquals(30, t.read().count());
        assertEquals(10, count(t, "dt = '2026-11-02'"));
        assertEquals(10, t.read().where("dt = '2026-11-02'").select("record_id").distinct().count());
        t.write(day("2026-11-02", "m", 4), List.of("dt")); // a smaller rerun replaces the whole day
        assertEquals(4, count(t, "dt = '2026-11-02'"));
        assertEquals(20, count(t, "dt = '2026-11-01'"), "the other day is untouched");

        long before = currentVersion(format, t);
        ScoreTable.Relabelled r = t.relabel(new TableFilter("dt = '2026-11-01'", "threshold.adjust.where"), "m",
                new Threshold(2.0, "fixed", Map.of(), Map.of()));
        assertEquals(3, r.changedDecisions(), "scores 3, 4 and 5 are now above the threshold");
        assertEquals(20, r.rows());
        assertEquals(7, count(t, "dt = '2026-11-01' AND model_name = 'm' AND is_anomaly AND threshold = 2.0"));
        assertEquals(4, count(t, "dt = '2026-11-01' AND model_name = 'other' AND is_anomaly AND threshold = 5.0"),
                "another model's rows keep their decisions");
        assertEquals(24, t.read().count());
        assertEquals(SCORES_SUM, t.read().where("dt = '2026-11-01' AND model_name = 'm'")
                .agg(org.apache.spark.sql.functions.sum(ScoreTable.SCORE)).first().getDouble(0), "scores unchanged");
        assertEquals(0, t.read().where("abs(anomaly_score_normalized - (1 + (anomaly_score - threshold)"
                + " / abs(threshold))) > 1e-12").count());

        Dataset<Row> old = asOf(format, t, before);
        assertEquals(4, old.where("dt = '2026-11-01' AND model_name = 'm' AND is_anomaly AND threshold = 5.0")
                .count(), "time travel reads the labels from before the re-label");
        assertEquals(24, old.count());
        if (format.equals("delta")) {
            assertEquals("UPDATE", DeltaTable.forPath(spark, t.path()).history(1).first().getAs("operation"));
            assertEquals(24, spark.table("lake.daily_delta").count(), "the catalog name reads the same table");
        } else {
            assertEquals(24, spark.read().format("iceberg").load(tmp.resolve("catalog/iceberg/lake/daily_iceberg")
                    .toString()).count(), "a reader by path (the Hadoop catalog's folder) sees the same table");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iceberg", "delta"})
    void twoWritersOfDifferentDaysBothCommit(String format) throws Exception {
        ScoreTable t = table(format, "concurrent_" + format);
        t.write(day("2026-11-01", "m", 10), List.of("dt"));
        List<String> days = List.of("2026-11-02", "2026-11-03");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(days.size());
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (String dt : days) {
                Dataset<Row> rows = day(dt, "m", 10);
                writers.add(pool.submit(() -> {
                    start.await();
                    table(format, "concurrent_" + format).write(rows, List.of("dt"));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : writers) {
                w.get(); // rethrows a failed commit
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(30, t.read().count());
        for (String dt : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
            assertEquals(10, t.read().where("dt = '" + dt + "'").select("record_id").distinct().count(), dt);
            assertEquals(10, count(t, "dt = '" + dt + "'"), dt);
        }
    }

    @Test
    void theScoreStepWritesAnIcebergTable() {
        String lake = tmp.resolve("lake").toString();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, new SyntheticSensorLake.Spec(100, 3, 4,
                0.02, 0.0, 11, LocalDate.of(2026, 11, 1), 2)), lake);
        Settings s = settings.with(
                "train.epochs", "1", "train.batch-size-per-worker", "64", "train.holdout-fraction", "0",
                "model.name", "ice", "model.root", tmp.resolve("models").toString(), "model.hidden-sizes", "4,2",
                "prepared.path", tmp.resolve("prepared").toString(),
                "input.path", lake,
                "score.table-format", "iceberg",
                "score.table-name", "iceberg.lake.anomaly_scores",
                "score.output-path", tmp.resolve("scores-runs").toString());
        PreprocessStep.run(JobContext.of(spark, s.with("input.where", "dt = '2026-11-01' AND label = 0")));
        TrainStep.run(JobContext.of(spark, s));

        ScoreStep.run(JobContext.of(spark, s.with("input.where", "dt >= '2026-11-02'")));
        ScoreStep.run(JobContext.of(spark, s.with("input.where", "dt = '2026-11-03'"))); // a rerun of one day
        Dataset<Row> scores = spark.table("iceberg.lake.anomaly_scores");
        assertEquals(200, scores.count());
        assertEquals(100, scores.where("dt = '2026-11-03'").select("record_id").distinct().count());
        assertEquals(100, scores.where("dt = '2026-11-03'").count());
        assertEquals(0, scores.where("anomaly_score IS NULL").count());
        // a reading job's default table is the score job's: found by its name
        ScoreTable reader = ScoreTable.at(spark, s, ScoreTable.input(s, "evaluate.input-path"));
        assertEquals(200, reader.read().count());
        assertEquals(List.of("dt"), reader.partitionColumns());
    }

    @Test
    void theDriftTableIsIcebergTooAndWithoutANameItIsOneLine() {
        TableFormat iceberg = TableFormats.from(settings.with(TableFormats.SETTING, "iceberg"));
        DriftTable drift = new DriftTable(spark, iceberg, new TableLocation(tmp.resolve("drift").toString(),
                "lake.anomaly_drift", DriftTable.OUTPUT_PATH, DriftTable.TABLE_NAME), "dt");
        Timestamp now = Timestamp.from(Instant.now());
        drift.write(List.of(DriftTable.row("s00", 10L, 10, 0.1, 0.2, null, null, false, "m", "v1", now, "2026-11-01"),
                DriftTable.row("s00", 10L, 10, 0.3, 0.4, null, null, true, "m", "v1", now, "2026-11-02")));
        drift.write(List.of(DriftTable.row("s00", 10L, 10, 0.5, 0.6, null, null, true, "m", "v1", now,
                "2026-11-02"))); // a rerun of one day
        Dataset<Row> table = spark.table("iceberg.lake.anomaly_drift"); // the Iceberg catalog put in front
        assertEquals(2, table.count());
        assertEquals(0.5, table.where("dt = '2026-11-02'").first().<Double>getAs(DriftTable.PSI));

        DriftTable nameless = new DriftTable(spark, iceberg, new TableLocation(tmp.resolve("drift2").toString(), "",
                DriftTable.OUTPUT_PATH, DriftTable.TABLE_NAME), "dt");
        LakeadException e = assertThrows(LakeadException.class, () -> nameless.write(List.of(DriftTable.row("s00",
                10L, 10, 0.1, 0.2, null, null, false, "m", "v1", now, "2026-11-01"))));
        assertTrue(e.getMessage().contains("'drift.table-name'") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
