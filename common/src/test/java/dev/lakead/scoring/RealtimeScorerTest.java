package dev.lakead.scoring;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.ThresholdStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-time scorer gives the batch score job's scores and decisions, without Spark, for every family that
 * scores single records, with a global or a per-segment threshold; and it refuses what it cannot score.
 */
class RealtimeScorerTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec SPEC =
            new SyntheticSensorLake.Spec(400, 3, 5, 0.03, 0.01, 17, LocalDate.of(2026, 11, 1), 2);
    private static final String SCORED_DAY = "dt = '2026-11-03'";
    private static Settings settings;

    @BeforeAll
    static void lake() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, SPEC), path("lake"));
        settings = fastSettings().with(
                "input.path", path("lake"),
                "train.epochs", "3",
                "model.anogan.encoder-epochs", "2",
                "model.anogan.search-iterations", "20",
                "score.table-name", "",
                "score.key-columns", "record_id,device_id,label");
        PreprocessStep.run(JobContext.of(spark, settings.with("input.where", "dt < '2026-11-03' AND label = 0")));
    }

    /** Bundles trained and scored on the base settings, by type: trained once for every test that needs one. */
    private static final Map<String, String> BASE_BUNDLES = new HashMap<>();

    /** {@link #trainAndScore} on the base settings, once per type (the scores stay in scores-rt-TYPE). */
    private static synchronized String baseBundle(String type) {
        return BASE_BUNDLES.computeIfAbsent(type, t -> trainAndScore(t, "rt-" + t, settings));
    }

    /**
     * Trains a model of this type named {@code name}, scores the last day with the batch job into scores-NAME, and
     * returns the bundle path.
     */
    private static String trainAndScore(String type, String name, Settings s) {
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s.with("model.type", type,
                "model.name", name)));
        String bundle = trained.bundle().path();
        Settings scoring = s.with("model.path", bundle, "input.where", SCORED_DAY,
                "score.output-path", path("scores-" + name));
        if (!s.string("threshold.segment-column").isBlank()) {
            ThresholdStep.run(JobContext.of(spark, scoring));
        }
        ScoreStep.run(JobContext.of(spark, scoring));
        return bundle;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"autoencoder", "vae", "anogan", "ensemble"})
    void realtimeScoresAreTheBatchScores(String type) {
        String bundle = baseBundle(type);
        assertSameAsBatch(RealtimeScorer.load(bundle), path("scores-rt-" + type));
    }

    @Test
    void perSegmentThresholdsDecideEachRecordByItsSegment() {
        Settings s = settings.with("threshold.segment-column", "device_id", "threshold.min-segment-rows", "5",
                "threshold.validation.path", path("lake"), "threshold.validation.where", "dt = '2026-11-02'",
                "threshold.validation.label-column", "label", "threshold.method", "percentile");
        // the training rows were prepared without the segment column: training says so in one line
        LakeadException e = assertThrows(LakeadException.class,
                () -> TrainStep.run(JobContext.of(spark, s.with("model.name", "rt-no-segments"))));
        assertTrue(e.getMessage().startsWith("Segment column 'device_id' (setting 'threshold.segment-column') is not"
                + " in the prepared data"), e.getMessage());
        Settings carried = s.with("prepared.path", path("prepared-segments"));
        PreprocessStep.run(JobContext.of(spark, carried.with("input.where", "dt < '2026-11-03' AND label = 0")));
        String bundle = trainAndScore("autoencoder", "rt-segments", carried);
        RealtimeScorer scorer = RealtimeScorer.load(bundle);
        assertTrue(scorer.threshold().perSegment() && scorer.threshold().segments().size() > 1,
                "one threshold per device: " + scorer.threshold().segments());
        assertSameAsBatch(scorer, path("scores-rt-segments"));
    }

    /** Every record of the scored day: the same score (float precision), threshold and decision as the batch job. */
    private static void assertSameAsBatch(RealtimeScorer scorer, String scoreTable) {
        List<String> features = scorer.featureColumns();
        Map<Long, Row> batch = new HashMap<>();
        for (Row r : spark.read().parquet(scoreTable).collectAsList()) {
            batch.put(r.getLong(r.fieldIndex("record_id")), r);
        }
        List<Row> lake = spark.read().parquet(path("lake")).where(SCORED_DAY).collectAsList();
        assertEquals(lake.size(), batch.size(), "the batch job scored the whole day");
        List<Map<String, Object>> records = new ArrayList<>();
        for (Row r : lake) {
            Map<String, Object> m = new HashMap<>();
            for (String f : features) {
                m.put(f, r.get(r.fieldIndex(f)));
            }
            m.put("device_id", r.getString(r.fieldIndex("device_id")));
            records.add(m);
        }
        List<RealtimeScorer.Scored> scored = scorer.scoreBatch(records);
        int anomalies = 0;
        for (int i = 0; i < lake.size(); i++) {
            Row expected = batch.get(lake.get(i).getLong(lake.get(i).fieldIndex("record_id")));
            double score = expected.getDouble(expected.fieldIndex("anomaly_score"));
            assertEquals(score, scored.get(i).score(), 1e-5 * Math.max(1, Math.abs(score)), "record " + i);
            assertEquals(expected.getDouble(expected.fieldIndex("threshold")), scored.get(i).threshold(), 0,
                    "threshold of record " + i);
            assertEquals(expected.getBoolean(expected.fieldIndex("is_anomaly")), scored.get(i).anomaly(),
                    "decision on record " + i);
            anomalies += scored.get(i).anomaly() ? 1 : 0;
        }
        assertTrue(anomalies > 0 && anomalies < lake.size(), anomalies + " anomalies");
        assertEquals(scored.get(3).score(), scorer.score(records.get(3)).score(), 1e-6, "alone as in a batch");
    }

    @Test
    void wrongRecordsAreRefusedByName() {
        String bundle = baseBundle("autoencoder"); // the same model as the autoencoder's batch comparison
        RealtimeScorer scorer = RealtimeScorer.load(bundle);
        String first = scorer.featureColumns().get(0);
        Map<String, Object> record = new HashMap<>();
        scorer.featureColumns().forEach(f -> record.put(f, 1.0));

        Map<String, Object> text = new HashMap<>(record);
        text.put(first, "12.5");
        LakeadException e = assertThrows(LakeadException.class, () -> scorer.score(text));
        assertEquals("Feature '" + first + "' must be a number, got String '12.5'", e.getMessage());

        Map<String, Object> missing = new HashMap<>(record);
        missing.remove(first);
        e = assertThrows(LakeadException.class, () -> scorer.score(missing));
        assertTrue(e.getMessage().startsWith("Record has no feature '" + first + "'"), e.getMessage());

        Map<String, Object> nullValue = new HashMap<>(record);
        nullValue.put(first, null);
        assertTrue(Double.isFinite(scorer.score(nullValue).score()), "a null value is imputed as in training");

        e = assertThrows(LakeadException.class, () -> scorer.scoreValues(new double[][]{{1.0, 2.0}}));
        assertTrue(e.getMessage().startsWith("A record has 2 values; the model takes "
                + scorer.featureColumns().size()), e.getMessage());
    }

    @Test
    void sequenceBundlesAndIncompleteBundlesAreRefused() {
        Settings lstm = settings.with("model.type", "lstm-ae", "model.name", "rt-lstm",
                "timeseries.entity-column", "device_id", "timeseries.time-column", "ts", "timeseries.window", "4",
                "prepared.path", path("prepared-lstm"), "train.epochs", "1");
        PreprocessStep.run(JobContext.of(spark, lstm.with("input.where", "dt < '2026-11-03' AND label = 0")));
        String bundle = TrainStep.run(JobContext.of(spark, lstm)).bundle().path();
        LakeadException e = assertThrows(LakeadException.class, () -> RealtimeScorer.load(bundle));
        assertTrue(e.getMessage().contains("is a lstm-ae model") && e.getMessage().contains("batch score job"),
                e.getMessage());

        e = assertThrows(LakeadException.class, () -> RealtimeScorer.load(path("no-such-bundle")));
        assertTrue(e.getMessage().contains("is incomplete"), e.getMessage());
    }
}
