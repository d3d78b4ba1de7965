package dev.lakead.models;

import dev.lakead.SparkTestSupport;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticMachineSeries;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The save/load contract every registered family keeps (as Spark's {@code DefaultReadWriteTest} does for ML
 * stages): trained tiny, written as a bundle and read back, the model gives exactly the scores it gave before it
 * was saved, through the family's own scorer, with the same threshold, metadata and per-record thresholds. A new
 * family adds one case to {@link #CASES}; a registered family without one fails {@link #everyFamilyHasACase()}.
 */
class ModelFamilyContractTest extends SparkTestSupport {
    private static final SyntheticSensorLake.Spec LAKE =
            new SyntheticSensorLake.Spec(300, 3, 4, 0.03, 0.01, 5, LocalDate.of(2026, 11, 1), 2);
    private static final SyntheticMachineSeries.Spec SERIES = new SyntheticMachineSeries.Spec(List.of("m1", "m2"),
            120, List.of(new SyntheticMachineSeries.Segment("m2", 80, 90)), SyntheticSensorLake.Difficulty.EASY, 3);

    /** Case name → model.type and the settings of a tiny model of it; the series cases train on machine series. */
    private static final Map<String, String[]> CASES = new LinkedHashMap<>();

    static {
        CASES.put("autoencoder", new String[]{"model.type", "autoencoder"});
        CASES.put("autoencoder-dense", new String[]{"model.type", "autoencoder", "train.engine", "dense"});
        CASES.put("vae", new String[]{"model.type", "vae"});
        CASES.put("anogan", new String[]{"model.type", "anogan", "model.anogan.encoder-epochs", "1",
                "model.anogan.search-iterations", "5", "model.anogan.score", "encoder"});
        CASES.put("anogan-search", new String[]{"model.type", "anogan", "model.anogan.encoder-epochs", "1",
                "model.anogan.search-iterations", "5", "model.anogan.score", "search"});
        CASES.put("ensemble", new String[]{"model.type", "ensemble", "model.anogan.encoder-epochs", "1",
                "model.anogan.search-iterations", "5"});
        CASES.put("lstm-ae", new String[]{"model.type", "lstm-ae", "timeseries.window", "8"});
        CASES.put("lstm-ae-per-entity", new String[]{"model.type", "lstm-ae", "timeseries.window", "8",
                "timeseries.mode", "per-entity"});
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static Settings base;

    @BeforeAll
    static void data() {
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, LAKE), path("lake"));
        SyntheticMachineSeries.generate(spark, SERIES, 2).write().mode(SaveMode.Overwrite).partitionBy("dt")
                .parquet(path("series"));
        base = fastSettings().with("train.epochs", "2", "score.table-name", "",
                "timeseries.entity-column", "machine", "timeseries.time-column", "seq");
    }

    static Stream<String> cases() {
        return CASES.keySet().stream();
    }

    @Test
    void everyFamilyHasACase() {
        List<String> covered = CASES.values().stream().map(c -> c[1]).distinct().toList();
        for (String type : ModelFamilies.types()) {
            assertTrue(covered.contains(type) || type.startsWith("test-"), "registered family '" + type
                    + "' has no save/load case in " + getClass().getSimpleName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void savedAndLoadedModelsScoreAsBeforeSaving(String name) throws Exception {
        String[] c = CASES.get(name);
        boolean series = c[1].equals("lstm-ae");
        Settings s = base.with(c).with(
                "model.name", "contract-" + name,
                "prepared.path", path("prepared-" + name),
                "input.path", path(series ? "series" : "lake"),
                "score.key-columns", series ? "machine,seq" : "record_id");
        PreprocessStep.run(JobContext.of(spark, s.with("input.where", series ? "seq < 100" : "label = 0")));
        TrainStep.Result trained = TrainStep.run(JobContext.of(spark, s));
        ModelBundle saved = trained.bundle();
        ModelBundle loaded = ModelBundle.load(spark, new HadoopFiles(spark.sparkContext().hadoopConfiguration()),
                saved.path());

        ModelFamily<?> family = ModelFamilies.get(c[1]);
        assertEquals(c[1], loaded.model().type());
        // as JSON: a number read back may be an Integer where the trained model held a Long (a count, a seed)
        assertEquals(JSON.writeValueAsString(saved.metadata()), JSON.writeValueAsString(loaded.metadata()));
        assertEquals(saved.threshold().value(), loaded.threshold().value());
        assertEquals(JSON.writeValueAsString(saved.threshold().asMap()),
                JSON.writeValueAsString(loaded.threshold().asMap()));
        assertEquals(saved.model().inputSize(), loaded.model().inputSize());
        assertEquals(saved.model().scoreMode(), loaded.model().scoreMode());

        Dataset<Row> input = spark.read().parquet(path(series ? "series" : "lake"));
        List<String> keys = series ? List.of("machine", "seq") : List.of("record_id");
        Map<String, List<Object>> before = scores(family.scoring(s).scorer(trained.trained().model(), saved.pipeline(), ScoringOptions.from(s))
                .score(input, keys), keys.size());
        Map<String, List<Object>> after = scores(family.scoring(s).scorer(loaded.model(), loaded.pipeline(), ScoringOptions.from(s))
                .score(input, keys), keys.size());
        assertEquals(input.count(), before.size(), "one score per record");
        assertFalse(before.values().stream().anyMatch(v -> v.get(0) == null), "every record scored");
        assertEquals(before, after, "the loaded model scores exactly as the trained one");
    }

    /** Key → the columns after the keys (the score, and a per-record threshold when the scorer gives one). */
    private static Map<String, List<Object>> scores(Dataset<Row> scored, int keyCount) {
        assertEquals(BatchScorer.SCORE, scored.columns()[keyCount]);
        Map<String, List<Object>> out = new TreeMap<>();
        for (Row r : scored.collectAsList()) {
            List<Object> key = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < r.length(); i++) {
                (i < keyCount ? key : values).add(r.get(i));
            }
            out.put(key.toString(), values);
        }
        return out;
    }
}
