package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.thresholds.AdaptiveThreshold;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** threshold.adaptive at score time: per entity in time order, on a shuffled score table. */
class AdaptiveScoringTest extends SparkTestSupport {

    /** Two entities, threshold 2: 200 normal records (score 1), 20 anomalous (6), then 600 at a new level (3). */
    private static Dataset<Row> table() {
        List<Row> rows = new ArrayList<>();
        for (String e : List.of("a", "b")) {
            double thr = e.equals("a") ? 2.0 : 20.0; // b: the same story on a 10x scale
            for (int t = 0; t < 820; t++) {
                double score = (t < 200 ? 1.0 : t < 220 ? 6.0 : 3.0) * thr / 2;
                rows.add(RowFactory.create(e, t, score, score > thr, thr, score / thr, "m"));
            }
        }
        Collections.shuffle(rows, new Random(1));
        return spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("entity", DataTypes.StringType, false),
                DataTypes.createStructField("seq", DataTypes.IntegerType, false),
                DataTypes.createStructField("anomaly_score", DataTypes.DoubleType, false),
                DataTypes.createStructField("is_anomaly", DataTypes.BooleanType, false),
                DataTypes.createStructField("threshold", DataTypes.DoubleType, false),
                DataTypes.createStructField("anomaly_score_normalized", DataTypes.DoubleType, true),
                DataTypes.createStructField("model_name", DataTypes.StringType, false)))).repartition(3);
    }

    @Test
    void theAnomalyStaysFlaggedAndTheLastingNewLevelStopsAlarming() {
        Settings s = fastSettings().with("timeseries.entity-column", "entity", "timeseries.time-column", "seq");
        // the default level (geometric), half-life 50 records
        AdaptiveThreshold.Rule rule = AdaptiveThreshold.Rule.from(s.with("threshold.adaptive.half-life", "50",
                "threshold.adaptive.warmup", "100"));
        assertEquals(AdaptiveThreshold.Level.GEOMETRIC, rule.level());
        Dataset<Row> adapted = ScoreStep.adaptive(table(), dev.lakead.models.ModelFamily.SeriesColumns.from(s), rule)
                .cache();
        assertEquals(1640, adapted.count());
        assertEquals(List.of(table().columns()), List.of(adapted.columns()));
        for (String e : List.of("a", "b")) {
            Dataset<Row> one = adapted.where("entity = '" + e + "'");
            assertEquals(0, one.where("seq < 200 AND is_anomaly").count(), e);
            assertEquals(20, one.where("seq >= 200 AND seq < 220 AND is_anomaly").count(), e + ": the anomaly");
            long lateAlarms = one.where("seq >= 500 AND is_anomaly").count();
            assertEquals(0, lateAlarms, e + ": the level 3 is the new normal after a few half-lives");
            assertEquals(0, one.where("abs(anomaly_score_normalized - anomaly_score / threshold) > 1e-12"
                    + " OR is_anomaly <> (anomaly_score > threshold)").count());
        }
        assertTrue(adapted.where("seq >= 500").selectExpr("min(threshold)").first().getDouble(0) > 2.0);
    }

    @Test
    void needsTheEntityAndTimeColumnsInTheScoreTable() {
        Settings s = fastSettings().with("timeseries.entity-column", "machine", "timeseries.time-column", "seq");
        LakeadException e = assertThrows(LakeadException.class, () -> ScoreStep.adaptive(table(), dev.lakead.models.ModelFamily.SeriesColumns.from(s), new AdaptiveThreshold.Rule(50, 100, AdaptiveThreshold.Level.ARITHMETIC)));
        assertTrue(e.getMessage().contains("'machine'") && e.getMessage().contains("score.key-columns"),
                e.getMessage());
    }
}
