package dev.lakead.ml;

import dev.lakead.SparkTestSupport;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.ModelFamilies;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark ML API on the easy synthetic lake (600 rows, 6 sensors, 5% anomalies): fit on the normal rows,
 * transform any DataFrame, schema checks before data moves, save as a bundle the score path reads, load a train-job
 * bundle, and a Pipeline with a user's SQLTransformer that saves and loads.
 */
class AnomalyDetectorTest extends SparkTestSupport {
    private static final int ROWS = 600;
    /**
     * ROC-AUC on the lake's labels (printed as "ml api autoencoder roc_auc"): measured 0.965 with these 600 rows and
     * 20 epochs (0.91 with 400 rows and 8 epochs).
     */
    private static final double MIN_AUC = 0.9;
    private static final String[] SENSORS = {"s00", "s01", "s02", "s03", "s04", "s05"};

    private static Dataset<Row> lake;
    private static AnomalyDetectionModel model;

    private static AnomalyDetector detector(String... features) {
        return new AnomalyDetector().setFeaturesCols(features).setEpochs(20).setWorkers(2)
                .setSetting("train.batch-size-per-worker", "64").setSetting("train.averaging-frequency", "4");
    }

    @BeforeAll
    static void fit() {
        lake = SyntheticSensorLake.generate(spark, new SyntheticSensorLake.Spec(ROWS / 2, 2, SENSORS.length, 0.05, 0.0, 7,
                LocalDate.of(2026, 11, 1), 2)).cache();
        model = detector(SENSORS).fit(lake.where(col("label").equalTo(0)));
    }

    @AfterAll
    static void release() {
        if (lake != null) {
            lake.unpersist();
        }
    }

    private static Map<Long, Double> scores(Dataset<Row> scored, String column) {
        Map<Long, Double> out = new HashMap<>();
        for (Row r : scored.select(col("record_id"), col(column)).collectAsList()) {
            out.put(r.getLong(0), r.getDouble(1));
        }
        return out;
    }

    @Test
    void transformKeepsEveryRowAndColumnAndDetects() {
        Dataset<Row> scored = model.transform(lake);
        List<String> expected = new ArrayList<>(Arrays.asList(lake.columns()));
        expected.addAll(List.of("anomaly_score", "is_anomaly"));
        assertEquals(expected, Arrays.asList(scored.columns()));
        org.apache.spark.sql.types.StructType declared = model.transformSchema(lake.schema());
        for (org.apache.spark.sql.types.StructField f : declared.fields()) { // declared before any data moved
            assertEquals(f.dataType(), scored.schema().apply(f.name()).dataType(), f.name());
        }
        assertEquals(declared.fieldNames().length, scored.columns().length);
        assertEquals(lake.count(), scored.count());
        assertEquals(ROWS, scored.count());
        double auc = new BinaryClassificationEvaluator().setLabelCol("label_d").setRawPredictionCol("anomaly_score")
                .evaluate(scored.withColumn("label_d", col("label").cast("double")));
        System.out.printf("ml api autoencoder roc_auc=%.4f%n", auc);
        assertTrue(auc > MIN_AUC, "ROC-AUC " + auc);
        long flagged = scored.where(col("is_anomaly")).count();
        assertTrue(flagged > 0 && flagged < ROWS, "flagged " + flagged);

        Dataset<Row> withErrors = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setFeatureErrorsCol("feature_errors").transform(lake);
        assertEquals(1, withErrors.where(col("record_id").equalTo(3))
                .select(col("feature_errors").getItem("s02")).count());
    }

    @Test
    void transformSchemaNamesAMissingColumnBeforeAnyDataMoves() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.transformSchema(lake.drop("s03").schema()));
        assertTrue(e.getMessage().contains("'s03'"), e.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> model.transform(lake.withColumn("s01", col("s01").cast("string"))));
        assertTrue(text.getMessage().contains("'s01'") && text.getMessage().contains("numeric"), text.getMessage());
        IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
                () -> detector("s00", "nope").fit(lake));
        assertTrue(fit.getMessage().contains("'nope'"), fit.getMessage());
    }

    @Test
    void savedModelIsABundleTheScorePathReadsAndATrainBundleLoads() throws Exception {
        String saved = path("ml-bundles/m1");
        model.write().save(saved);
        HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
        ModelBundle bundle = ModelBundle.load(spark, files, saved); // manifest verified
        assertEquals(List.of(SENSORS), bundle.pipeline().columns());
        // the score job's path: the family's RecordScorer on raw rows
        Dataset<Row> job = ModelFamilies.get(bundle.model().type())
                .scoring(Settings.defaults()).scorer(bundle.model(), bundle.pipeline(),
                        dev.lakead.models.ScoringOptions.from(Settings.defaults())).score(lake, List.of("record_id"));
        Map<Long, Double> expected = scores(model.transform(lake), "anomaly_score");
        assertEquals(expected, scores(job, "anomaly_score"));
        assertEquals(bundle.threshold().value(), model.threshold().value());

        // and the score job itself, reading the saved bundle (--model) on the same rows
        SyntheticSensorLake.write(lake, path("lake"));
        Dataset<Row> table = spark.read().parquet(path("lake"));
        dev.lakead.pipeline.ScoreStep.run(dev.lakead.pipeline.JobContext.of(spark, Settings.defaults().with(
                "input.path", path("lake"), "model.path", saved, "score.output-path", path("scores"),
                "score.table-name", "")));
        Dataset<Row> jobTable = spark.read().parquet(path("scores"));
        Map<Long, Double> fromJob = scores(jobTable, "anomaly_score");
        Map<Long, Double> fromApi = scores(model.transform(table), "anomaly_score");
        assertEquals(fromApi.keySet(), fromJob.keySet());
        fromApi.forEach((id, v) -> assertEquals(v, fromJob.get(id), 1e-9 * Math.max(1, Math.abs(v)), "record " + id));
        assertEquals(model.transform(table).where(col("is_anomaly")).count(),
                jobTable.where(col("is_anomaly")).count());

        AnomalyDetectionModel loaded = AnomalyDetectionModel.load(saved);
        assertEquals(expected, scores(loaded.transform(lake), "anomaly_score"));

        // a bundle as the train job writes it (no Spark metadata) loads too
        String plain = path("ml-bundles/plain");
        ModelBundle.write(files, plain, bundle.metadata(), bundle.pipeline(), bundle.model(), bundle.threshold());
        AnomalyDetectionModel fromTrain = AnomalyDetectionModel.load(plain);
        assertEquals(expected, scores(fromTrain.transform(lake), "anomaly_score"));
    }

    @Test
    void fitsSavesAndLoadsInsideAPipelineWithAUserStage() throws Exception {
        SQLTransformer user = new SQLTransformer().setStatement("SELECT *, s00 - s01 AS s01_delta FROM __THIS__");
        String[] features = Arrays.copyOf(SENSORS, SENSORS.length + 1);
        features[SENSORS.length] = "s01_delta";
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{user,
                detector(features).setScoreCol("score").setPredictionCol("flag")});
        PipelineModel fitted = pipeline.fit(lake.where(col("label").equalTo(0)));
        Dataset<Row> before = fitted.transform(lake);
        assertEquals(ROWS, before.count());
        assertTrue(Arrays.asList(before.columns()).containsAll(List.of("s01_delta", "score", "flag")));

        String dir = path("ml-pipeline");
        fitted.write().save(dir);
        PipelineModel loaded = PipelineModel.load(dir);
        AnomalyDetectionModel stage = (AnomalyDetectionModel) loaded.stages()[1];
        assertEquals("score", stage.getOrDefault(stage.scoreCol()));
        Dataset<Row> after = loaded.transform(lake);
        assertEquals(Arrays.asList(before.columns()), Arrays.asList(after.columns()));
        assertEquals(scores(before, "score"), scores(after, "score"));
        assertEquals(before.where(col("flag")).count(), after.where(col("flag")).count());
    }
}
