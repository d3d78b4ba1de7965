package dev.lakead.pipeline;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LSTM Autoencoder end to end on multivariate series with an injected anomaly (global model). */
class LstmPipelineTest extends SparkTestSupport {
    private static final int STEPS = 600;
    private static final int ANOMALY_FROM = 450;
    private static final int ANOMALY_TO = 460;

    @BeforeAll
    static void series() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("machine", DataTypes.StringType, false),
                DataTypes.createStructField("seq", DataTypes.IntegerType, false),
                DataTypes.createStructField("a", DataTypes.DoubleType, false),
                DataTypes.createStructField("b", DataTypes.DoubleType, false),
                DataTypes.createStructField("c", DataTypes.DoubleType, false),
                DataTypes.createStructField("label", DataTypes.IntegerType, false),
                DataTypes.createStructField("dt", DataTypes.StringType, false)));
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (String m : List.of("m1", "m2", "m3")) {
            double phase = r.nextDouble() * 6;
            for (int t = 0; t < STEPS; t++) {
                boolean anomaly = m.equals("m2") && t >= ANOMALY_FROM && t < ANOMALY_TO;
                double a = Math.sin(t / 8.0 + phase) + 0.05 * r.nextGaussian() + (anomaly ? 2.5 : 0);
                double b = Math.cos(t / 8.0 + phase) + 0.05 * r.nextGaussian();
                double c = 0.5 * Math.sin(t / 8.0 + phase) + 0.05 * r.nextGaussian();
                rows.add(RowFactory.create(m, t, a, b, c, anomaly ? 1 : 0, "p" + (t / 200)));
            }
        }
        // shuffled and spread over partitions: windows must still follow time order per machine
        java.util.Collections.shuffle(rows, r);
        spark.createDataFrame(rows, schema).repartition(4).write().mode(SaveMode.Overwrite).partitionBy("dt")
                .parquet(path("series"));
    }

    private static Settings settings() {
        return fastSettings().with(
                "input.path", path("series"),
                "features.id-columns", "seq",
                "model.type", "lstm-ae",
                "model.name", "machines",
                "model.lstm.hidden-size", "16",
                "model.lstm.layers", "1",
                "model.lstm.latent-size", "8",
                "model.learning-rate", "0.01",
                "timeseries.entity-column", "machine",
                "timeseries.time-column", "seq",
                "timeseries.window", "10",
                "train.epochs", "12",
                "train.batch-size-per-worker", "32",
                "threshold.percentile", "0.99",
                "score.output-path", path("scores"),
                "score.table-name", "",
                "score.key-columns", "machine,seq,label",
                "evaluate.point-adjust", "true",
                "evaluate.where", "seq >= 300");
    }

    @Test
    void everyRecordIsScoredOnceAndTheInjectedAnomalyIsFound() {
        Settings s = settings();
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark, s.with("input.where", "seq < 300")));
        assertEquals(List.of("a", "b", "c"), prep.featureColumns(), "machine and seq are keys, not features");
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s));
        assertEquals(2, trained.trained().history().workers());
        assertTrue(trained.trained().history().lastLoss() < trained.trained().history().firstLoss());

        ScoreStep.run(JobContext.of(spark, s));
        Dataset<Row> table = spark.read().parquet(path("scores"));
        assertEquals(3L * STEPS, table.count());
        assertEquals(3L * STEPS, table.select("machine", "seq").distinct().count());
        assertEquals(0, table.where("anomaly_score IS NULL").count(), "records at the series' ends are covered");

        List<Row> top = table.where("machine = 'm2'").orderBy(org.apache.spark.sql.functions.desc("anomaly_score"))
                .limit(10).collectAsList();
        for (Row row : top) {
            int seq = row.getInt(row.fieldIndex("seq"));
            assertTrue(seq >= ANOMALY_FROM - 10 && seq < ANOMALY_TO + 10, "top score at seq " + seq);
        }
        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark, s));
        assertEquals(1.0, eval.pointAdjusted().anomaly().recall(), "the injected segment is detected");
        assertTrue(eval.metrics().rocAuc() > 0.95, "ROC-AUC " + eval.metrics().rocAuc());
    }

    @Test
    void perEntityModeTrainsOneModelAndThresholdPerEntity() {
        Settings s = settings().with("timeseries.mode", "per-entity", "model.name", "machines-per-entity",
                "prepared.path", path("prepared-per-entity"), "score.output-path", path("scores-per-entity"),
                "evaluate.output-dir", path("reports-per-entity"), "train.epochs", "15",
                "threshold.adaptive.half-life", "0"); // the entities' static thresholds (adaptive: AdaptiveScoringTest)
        PreprocessStep.run(JobContext.of(spark, s.with("input.where", "seq < 300")));
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s));
        var models = (dev.lakead.models.lstm.PerEntityModels) trained.bundle().model();
        assertEquals(java.util.Set.of("m1", "m2", "m3"), models.models().keySet());
        // the entities trained as separate tasks, side by side on local[2] (a single task would give at most 1.0;
        // the bound leaves room for a busy machine)
        double parallelism = trained.trained().history().parallelism();
        assertTrue(parallelism > 1.05, "sum of entity training times / wall time = " + parallelism);
        // the bundle round-trips with its per-entity models
        var reloaded = (dev.lakead.models.lstm.PerEntityModels) JobContext.of(spark,
                s.with("model.path", trained.bundle().path())).loadBundle().model();
        assertEquals(models.thresholds(), reloaded.thresholds());

        ScoreStep.run(JobContext.of(spark, s));
        Dataset<Row> table = spark.read().parquet(path("scores-per-entity"));
        assertEquals(3L * STEPS, table.count());
        assertEquals(3L * STEPS, table.select("machine", "seq").distinct().count());
        assertEquals(3, table.select("machine", "threshold").distinct().count(), "one threshold per machine");
        assertEquals(models.thresholds().get("m2"),
                table.where("machine = 'm2'").select("threshold").first().getDouble(0), 1e-12);
        // the normalised score divides by each machine's own threshold: 1 is every machine's decision boundary
        assertEquals(0, table.where("abs(anomaly_score_normalized - anomaly_score / threshold) > 1e-12"
                + " OR is_anomaly <> (anomaly_score_normalized > 1)").count());
        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(spark, s));
        assertEquals("anomaly_score_normalized", eval.report().get("ranking_score"));
        assertEquals(1.0, eval.pointAdjusted().anomaly().recall());
        assertTrue(eval.metrics().rocAuc() > 0.95, "ROC-AUC " + eval.metrics().rocAuc());

        // per-feature errors: the injected shift is in feature a, and the features' errors average to the score
        Settings withErrors = s.with("model.path", trained.bundle().path(), "score.feature-errors", "true",
                "score.output-path", path("scores-feature-errors"));
        ScoreStep.run(JobContext.of(spark, withErrors));
        Dataset<Row> explained = spark.read().parquet(path("scores-feature-errors"));
        assertEquals(3L * STEPS, explained.count());
        Row worst = explained.where("machine = 'm2'").orderBy(org.apache.spark.sql.functions.desc("anomaly_score"))
                .selectExpr("anomaly_score", "feature_errors['a']", "feature_errors['b']", "feature_errors['c']")
                .first();
        assertTrue(worst.getDouble(1) > worst.getDouble(2) && worst.getDouble(1) > worst.getDouble(3),
                "feature a drives the anomaly: " + worst);
        assertEquals(worst.getDouble(0), (worst.getDouble(1) + worst.getDouble(2) + worst.getDouble(3)) / 3, 1e-4);
        assertEquals(0, explained.where("size(feature_errors) != 3").count());

        var noLatent = assertThrows(dev.lakead.LakeadException.class, () -> ScoreStep.run(JobContext.of(spark,
                withErrors.with("score.latent-export", "columns"))));
        assertTrue(noLatent.getMessage().contains("score.latent-export"), noLatent.getMessage());
    }
}
