package dev.lakead.pipeline;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.scoring.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** preprocess -> train -> score -> evaluate on a generated lake with known anomalies. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec SPEC =
            new SyntheticSensorLake.Spec(2_000, 4, 8, 0.03, 0.002, 11, LocalDate.of(2026, 11, 1), 4);
    private static long lakeRows;
    private static Settings settings;
    private static TrainStep.Result trained;

    @BeforeAll
    static void lake() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, SPEC), path("lake"));
        lakeRows = spark.read().parquet(path("lake")).count();
        settings = fastSettings().with(
                "input.path", path("lake"),
                "model.name", "sensors",
                "score.output-path", path("scores"),
                "score.table-name", "sensor_scores",
                "score.key-columns", "record_id,device_id,label",
                "score.batch-size", "500",
                "model.hidden-sizes", "32,16,4",
                "model.learning-rate", "0.005",
                "train.epochs", "15");
    }

    @Test
    @Order(1)
    void trainsThroughSparkAndWritesABundle() {
        Settings train = settings.with("input.where", "dt < '2026-11-03' AND label = 0");
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark, train));
        assertEquals(9, prep.featureColumns().size(), "8 sensors + firmware_version");
        assertTrue(!prep.featureColumns().contains("record_id") && !prep.featureColumns().contains("label"));
        long normalRows = spark.read().parquet(path("lake")).where("dt < '2026-11-03' AND label = 0").count();
        assertEquals(normalRows, prep.inputRows());

        trained = TrainStep.run(JobContext.of(spark, train));
        var history = trained.trained().history();
        assertEquals(2, (int) history.asMap().get("workers"));
        assertTrue(history.lastLoss() < history.firstLoss() * 0.8,
                "loss should fall: " + history.firstLoss() + " -> " + history.lastLoss());
        assertTrue(new File(trained.bundle().path(), "network.bin").isFile());
        assertEquals("v1", trained.bundle().version());
        assertTrue(trained.bundle().threshold().value() > 0);
    }

    @Test
    @Order(2)
    void scoresEveryRowOnceAndEvaluatesWellOnHeldOutDays() {
        ScoreStep.run(JobContext.of(spark, settings));
        Dataset<Row> table = spark.read().parquet(path("scores"));
        assertEquals(lakeRows, table.count());
        assertEquals(lakeRows, table.select("record_id").distinct().count());
        assertEquals(List.of("record_id", "device_id", "label", BatchScorer.SCORE, "is_anomaly", "threshold",
                "model_name", "model_version", "scored_at", "dt"), Arrays.asList(table.columns()));
        assertEquals(lakeRows, spark.sql("SELECT count(*) FROM sensor_scores").first().getLong(0));

        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark,
                settings.with("evaluate.where", "dt >= '2026-11-03'")));
        assertTrue(eval.metrics().rocAuc() >= 0.95, "ROC-AUC " + eval.metrics().rocAuc());
        assertTrue(new File(eval.reportPath()).isFile());
    }

    @Test
    @Order(3)
    void rescoringAPartitionReplacesItAndLeavesTheOthers() {
        Dataset<Row> before = spark.read().parquet(path("scores"));
        long otherBefore = before.where("dt <> '2026-11-04'").count();
        Row stampOther = before.where("dt = '2026-11-01'").select("scored_at").distinct().first();

        ScoreStep.run(JobContext.of(spark, settings.with("input.where", "dt = '2026-11-04'")));
        ScoreStep.run(JobContext.of(spark, settings.with("input.where", "dt = '2026-11-04'")));

        Dataset<Row> after = spark.read().parquet(path("scores"));
        assertEquals(lakeRows, after.count());
        assertEquals(lakeRows, after.select("record_id").distinct().count());
        assertEquals(otherBefore, after.where("dt <> '2026-11-04'").count());
        assertEquals(stampOther, after.where("dt = '2026-11-01'").select("scored_at").distinct().first());
        assertEquals(SPEC.rowsPerDay(), after.where(col("dt").equalTo("2026-11-04")).count());
    }
}
