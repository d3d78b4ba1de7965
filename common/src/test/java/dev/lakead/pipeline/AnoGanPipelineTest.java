package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.models.anogan.AnoGanModel;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AnoGAN through the real steps: distributed GAN and encoder training, both score modes, thresholds, evaluation. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnoGanPipelineTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec SPEC =
            new SyntheticSensorLake.Spec(2_000, 4, 8, 0.03, 0.002, 13, LocalDate.of(2026, 11, 1), 4);
    private static Settings settings;
    private static long lakeRows;
    private static TrainStep.Result trained;

    @BeforeAll
    static void lake() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, SPEC), path("lake"));
        lakeRows = spark.read().parquet(path("lake")).count();
        settings = fastSettings().with(
                "input.path", path("lake"),
                "model.type", "anogan",
                "model.name", "sensors-anogan",
                "model.anogan.search-iterations", "200",
                "model.anogan.encoder-epochs", "15",
                "train.epochs", "30",
                "train.batch-size-per-worker", "64",
                "train.averaging-frequency", "10",
                "score.output-path", path("scores"),
                "score.table-name", "",
                "score.key-columns", "record_id,label",
                "evaluate.where", "dt >= '2026-11-03'");
        PreprocessStep.run(JobContext.of(spark, settings.with("input.where", "dt < '2026-11-03' AND label = 0")));
    }

    @Test
    @Order(1)
    void trainsTheGanAndTheEncoderThroughSparkWithAThresholdPerScoreMode() {
        trained = TrainStep.run(JobContext.of(spark, settings));
        var h = trained.trained().history();
        assertEquals(2, h.workers());
        assertEquals(30, h.epochs().size());
        assertTrue(h.rounds().size() >= 12, "D and G losses of every round: " + h.rounds().size());
        Map<String, Object> meta = trained.bundle().metadata();
        assertEquals("anogan", meta.get("model_type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> training = (Map<String, Object>) meta.get("training");
        assertTrue(training.containsKey("rounds") && training.containsKey("encoder"), "kept in the bundle");
        AnoGanModel model = (AnoGanModel) trained.bundle().model();
        assertTrue(model.hasEncoder());

        Threshold t = trained.bundle().threshold();
        assertEquals("search", t.scoreMode());
        assertEquals(List.of("search", "encoder"), List.copyOf(t.scoreModes().keySet()));
        assertEquals(t.value(), t.forScoreMode("search").value(), 0.0);
        assertNotEquals(t.value(), t.forScoreMode("encoder").value());
    }

    @Test
    @Order(2)
    void scoresAndEvaluatesWithTheLatentSearch() {
        ScoreStep.Result r = ScoreStep.run(JobContext.of(spark, settings));
        assertEquals("search", r.threshold().scoreMode());
        Dataset<Row> table = spark.read().parquet(path("scores"));
        assertEquals(lakeRows, table.count());
        assertEquals(lakeRows, table.select("record_id").distinct().count());
        double auc = EvaluateStep.run(JobContext.of(spark, settings)).metrics().rocAuc();
        assertTrue(auc >= 0.95, "search ROC-AUC " + auc);
    }

    @Test
    @Order(3)
    void theEncoderModeScoresTheSameBundleInOnePass() {
        Settings encoder = settings.with("score.mode", "encoder", "score.output-path", path("scores-encoder"),
                "evaluate.output-dir", path("reports-encoder"));
        ScoreStep.Result r = ScoreStep.run(JobContext.of(spark, encoder));
        assertEquals("encoder", r.threshold().scoreMode());
        Dataset<Row> table = spark.read().parquet(path("scores-encoder"));
        assertEquals(lakeRows, table.count());
        double threshold = table.select("threshold").first().getDouble(0);
        assertEquals(trained.bundle().threshold().forScoreMode("encoder").value(), threshold, 0.0);
        double auc = EvaluateStep.run(JobContext.of(spark, encoder)).metrics().rocAuc();
        assertTrue(auc >= 0.95, "encoder ROC-AUC " + auc);
    }

    @Test
    @Order(4)
    void searchScoresAreReproducibleAndBarelyDependOnTheBatching() {
        // one day (a quarter of the lake) is enough and keeps the test short
        String day = "dt = '2026-11-04'";
        ScoreStep.run(JobContext.of(spark, settings.with("score.output-path", path("scores-day"),
                "input.where", day)));
        Dataset<Row> first = spark.read().parquet(path("scores-day")).select("record_id", "anomaly_score").cache();
        long dayRows = first.count();
        assertTrue(dayRows > 1_500);
        // the same run again (same input, so the same batches): identical scores
        ScoreStep.run(JobContext.of(spark, settings.with("score.output-path", path("scores-again"),
                "input.where", day)));
        Dataset<Row> again = spark.read().parquet(path("scores-again")).select("record_id", "anomaly_score");
        assertEquals(dayRows, first.join(again, first.col("record_id").equalTo(again.col("record_id"))
                .and(first.col("anomaly_score").equalTo(again.col("anomaly_score")))).count());
        // smaller batches: every row meets other rows; its starting code is its own, only rounding differs
        ScoreStep.run(JobContext.of(spark, settings.with("score.output-path", path("scores-batched"),
                "input.where", day, "score.batch-size", "300")));
        Dataset<Row> batched = spark.read().parquet(path("scores-batched")).select("record_id", "anomaly_score")
                .withColumnRenamed("anomaly_score", "batched");
        Row diff = first.join(batched, "record_id")
                .selectExpr("abs(anomaly_score - batched) / anomaly_score AS rel")
                .selectExpr("count(*)", "max(rel)", "percentile_approx(rel, 0.99)").first();
        assertEquals(dayRows, diff.getLong(0));
        assertTrue(diff.getDouble(1) < 0.02, "largest relative difference " + diff.getDouble(1));
        assertTrue(diff.getDouble(2) < 1e-3, "99th percentile of the relative difference " + diff.getDouble(2));
    }

    @Test
    @Order(5)
    void anUnknownScoreModeIsAClearError() {
        LakeadException e = assertThrows(LakeadException.class, () -> ScoreStep.run(JobContext.of(spark,
                settings.with("score.mode", "fast", "score.output-path", path("scores-bad")))));
        assertEquals("An anogan model scores with search or encoder, not 'fast'", e.getMessage());
    }
}
