package dev.lakead.pipeline;

import dev.lakead.SparkTestSupport;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.autoencoder.AutoencoderModel;
import dev.lakead.models.ensemble.EnsembleModel;
import dev.lakead.models.vae.VaeModel;
import dev.lakead.training.DataSetRdds;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ensemble through the pipeline steps: members trained on the executors, one bundle, identical scores after
 * a reload, and a ROC-AUC bound on a generated lake with known anomalies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsemblePipelineTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec SPEC =
            new SyntheticSensorLake.Spec(1_000, 4, 8, 0.03, 0.002, 17, LocalDate.of(2026, 11, 1), 4);
    /** Lower bound of the test ROC-AUC on the generated lake (measured 0.999). */
    private static final double MIN_ROC_AUC = 0.95;
    private static Settings settings;
    private static TrainStep.Result trained;

    @BeforeAll
    static void lake() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, SPEC), path("lake"));
        settings = fastSettings().with(
                "input.path", path("lake"),
                "model.type", "ensemble",
                "model.name", "sensors-ensemble",
                "model.learning-rate", "0.005",
                "model.ensemble.members", "autoencoder,autoencoder,vae",
                "model.ensemble.width-factors", "1,2",
                "model.ensemble.feature-error-scaling", "true",
                "model.ensemble.combine", "asinh",
                "train.epochs", "4",
                "score.output-path", path("scores"),
                "score.table-name", "",
                "score.key-columns", "record_id,label",
                "evaluate.where", "dt >= '2026-11-03'");
        PreprocessStep.run(JobContext.of(spark, settings.with("input.where", "dt < '2026-11-03' AND label = 0")));
    }

    @Test
    @Order(1)
    void trainsEveryMemberThroughSparkAndDetectsTheKnownAnomalies() {
        trained = TrainStep.run(JobContext.of(spark, settings));
        assertEquals("ensemble", trained.bundle().metadata().modelType());
        EnsembleModel model = (EnsembleModel) trained.bundle().model();
        assertEquals(3, model.members().size());
        assertTrue(model.members().get(0) instanceof AutoencoderModel);
        assertTrue(model.members().get(2) instanceof VaeModel);
        // the second autoencoder is twice as wide and has its own seed
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members = (List<Map<String, Object>>) model.hyperparameters().get("member_models");
        assertNotEquals(hidden(members.get(0)), hidden(members.get(1)));
        assertTrue(members.get(0).containsKey("feature_error_weights"), "autoencoders weigh their feature errors");
        assertTrue(!members.get(2).containsKey("feature_error_weights"), "the VAE keeps its own score");
        assertEquals(2, trained.trained().history().workers(), "members trained on two workers");
        assertEquals(2, trained.trained().history().phases().size(), "one history per further member");
        // training scores are normalised around 0: the 95th percentile threshold sits near the scale quantile
        double t = trained.bundle().threshold().value();
        assertTrue(t > 0 && t < 5, "threshold " + t);

        ScoreStep.run(JobContext.of(spark, settings));
        double auc = EvaluateStep.run(JobContext.of(spark, settings)).metrics().rocAuc();
        assertTrue(auc >= MIN_ROC_AUC, "ROC-AUC " + auc);
    }

    @Test
    @Order(2)
    void oneBundleReloadsAndScoresIdentically() {
        ModelBundle reloaded = JobContext.of(spark, settings.with("model.path", trained.bundle().path())).loadBundle();
        AnomalyModel model = reloaded.model();
        assertTrue(model instanceof EnsembleModel);
        INDArray batch = batch(300);
        double[] before = trained.bundle().model().score(batch);
        assertArrayEquals(before, model.score(batch), 0.0, "reloaded bundle");
        assertArrayEquals(before, ModelFamilies.get("ensemble").decode(model.toBytes()).score(batch), 0.0,
                "bytes round trip");
        assertArrayEquals(before, model.copy().score(batch), 0.0, "task copy");
        assertEquals(trained.bundle().threshold().value(), reloaded.threshold().value(), 0.0);
    }

    private static Object hidden(Map<String, Object> member) {
        return ((Map<?, ?>) member.get("hyperparameters")).get("hidden_sizes");
    }

    private static INDArray batch(int rows) {
        PreparedData prepared = PreparedData.load(spark, JobContext.of(spark, settings).files(),
                settings.string("prepared.path"));
        Dataset<Row> features = prepared.features().select(FeaturePipeline.FEATURES).limit(rows);
        List<Vector> vectors = features.collectAsList().stream().map(r -> (Vector) r.get(0))
                .collect(Collectors.toList());
        return DataSetRdds.toMatrix(vectors, prepared.pipeline().size());
    }
}
