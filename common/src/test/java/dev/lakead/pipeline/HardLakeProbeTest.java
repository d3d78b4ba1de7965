package dev.lakead.pipeline;

import dev.lakead.Baselines;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.features.FeaturePipeline;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

class HardLakeProbeTest extends SparkTestSupport {
    @Test
    void probe() {
        var spec = new SyntheticSensorLake.Spec(2_000, 4, 8, 0.03, 0.002, 11, LocalDate.of(2026, 11, 1), 4)
                .withDifficulty(SyntheticSensorLake.Difficulty.HARD);
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, spec), path("lake"));
        for (String cfg : new String[]{"autoencoder:64,32,3:40:0.003", "autoencoder:32,16,3:40:0.005", "vae:64,32:40:0.003"}) {
        String[] c = cfg.split(":"); String type = c[0];
        Settings s = fastSettings().with("input.path", path("lake"), "model.name", "hard-" + type + c[2].length(), "model.type", type,
                "score.output-path", path("scores-" + type), "score.table-name", "", "score.key-columns", "record_id,label",
                "model.hidden-sizes", c[1], "model.learning-rate", c[3], "train.epochs", c[2], "model.vae.latent-size", "3", "train.early-stopping-patience", "0",
                "evaluate.where", "dt >= '2026-11-03'");
        PreprocessStep.run(JobContext.of(spark, s.with("input.where", "dt < '2026-11-03' AND label = 0")));
        TrainStep.Result t = TrainStep.run(JobContext.of(spark, s));
        ScoreStep.run(JobContext.of(spark, s));
        double auc = EvaluateStep.run(JobContext.of(spark, s)).metrics().rocAuc();
        FeaturePipeline fp = t.bundle().pipeline();
        Dataset<Row> lake = spark.read().parquet(path("lake"));
        Dataset<Row> train = fp.transform(lake.where("dt < '2026-11-03' AND label = 0"));
        Dataset<Row> test = fp.transform(lake.where("dt >= '2026-11-03'"));
        System.out.println("PROBE " + cfg + " auc=" + auc + " pca2=" + Baselines.pcaAuc(train, test, "label", 2)
                + " pca3=" + Baselines.pcaAuc(train, test, "label", 3) + " pca4=" + Baselines.pcaAuc(train, test, "label", 4)
                + " pca5=" + Baselines.pcaAuc(train, test, "label", 5)
                + " z=" + Baselines.zScoreAuc(test, "label"));
        }
    }
}
