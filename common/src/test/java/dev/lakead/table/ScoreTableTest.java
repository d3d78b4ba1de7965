package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score table seam: write replaces partitions, re-label recomputes decisions, errors name the setting. */
class ScoreTableTest extends SparkTestSupport {

    /** Scored records of model {@code model}: scores 0..n-1 on one day, decided by threshold 5. */
    private static Dataset<Row> day(String dt, String model, int n) {
        return day(spark, dt, model, n);
    }

    /** The same in any session (the lakehouse formats' test has its own). */
    static Dataset<Row> day(org.apache.spark.sql.SparkSession spark, String dt, String model, int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("r" + i, (double) i, dt));
        }
        Dataset<Row> scored = spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("record_id", DataTypes.StringType, false),
                DataTypes.createStructField(ScoreTable.SCORE, DataTypes.DoubleType, false),
                DataTypes.createStructField("dt", DataTypes.StringType, false))));
        Column threshold = ScoreTable.thresholdColumn(new Threshold(5.0, "fixed", Map.of(), Map.of()));
        return ScoreTable.rows(scored, threshold, model, "v1", Timestamp.from(Instant.now()), List.of(),
                List.of("record_id", "dt"), List.of("dt"));
    }

    private static ScoreTable table(String name) {
        return ScoreTable.at(spark, fastSettings(), TableLocation.at(path(name), "score.output-path"));
    }

    @Test
    void aRewrittenDayReplacesOnlyThatDay() {
        ScoreTable t = table("replace");
        t.write(day("2026-11-01", "m", 10).union(day("2026-11-02", "m", 10)), List.of("dt"));
        t.write(day("2026-11-02", "m", 4), List.of("dt"));
        assertEquals(List.of("dt"), t.partitionColumns());
        assertEquals(10, t.read(new TableFilter("dt = '2026-11-01'", "x")).count());
        assertEquals(4, t.read(new TableFilter("dt = '2026-11-02'", "x")).count());
        assertEquals(4, t.read().where(ScoreTable.IS_ANOMALY).count(), "scores 6..9 above 5");
    }

    @Test
    void relabellingRedecidesOneModelsRowsOfTheChosenDays() {
        ScoreTable t = table("relabel");
        t.write(day("2026-11-01", "m", 10).union(day("2026-11-02", "m", 10)).union(day("2026-11-02", "other", 10)),
                List.of("dt"));
        ScoreTable.Relabelled r = t.relabel(new TableFilter("dt = '2026-11-02'", "threshold.adjust.where"), "m",
                new Threshold(2.0, "fixed", Map.of(), Map.of()));
        assertEquals(20, r.rows(), "the whole partition is rewritten");
        assertEquals(3, r.changedDecisions(), "scores 3, 4 and 5 are now above the threshold");
        Dataset<Row> after = t.read();
        assertEquals(30, after.count());
        assertEquals(7, after.where("dt = '2026-11-02' AND model_name = 'm' AND is_anomaly AND threshold = 2.0")
                .count());
        assertEquals(4, after.where("dt = '2026-11-02' AND model_name = 'other' AND is_anomaly AND threshold = 5.0")
                .count(), "another model's rows keep their decisions");
        assertEquals(4, after.where("dt = '2026-11-01' AND is_anomaly AND threshold = 5.0").count(),
                "other days are untouched");
        assertEquals(0, after.where("abs(anomaly_score_normalized - (1 + (anomaly_score - threshold)"
                + " / abs(threshold))) > 1e-12").count());
        assertEquals(10, after.select(ScoreTable.SCORE).distinct().count(), "scores unchanged");
    }

    @Test
    void errorsNameTheSetting() {
        LakeadException missing = assertThrows(LakeadException.class,
                () -> ScoreTable.at(spark, fastSettings(), TableLocation.at(path("none"), "monitor.scores-path"))
                        .read());
        assertTrue(missing.getMessage().contains("monitor.scores-path"), missing.getMessage());
        Settings s = fastSettings().with("score.table-format", "orc");
        LakeadException format = assertThrows(LakeadException.class, () -> TableFormats.from(s));
        assertTrue(format.getMessage().contains("score.table-format"), format.getMessage());
        assertEquals(path("x"), ScoreTable.input(fastSettings().with("score.output-path", path("x")),
                "evaluate.input-path").path());
    }
}
