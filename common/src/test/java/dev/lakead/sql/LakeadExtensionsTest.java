package dev.lakead.sql;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.ml.AnomalyDetectionModel;
import dev.lakead.ml.AnomalyDetector;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.scoring.RealtimeScorer;
import dev.lakead.testing.JobChecks;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL extension on the easy synthetic lake (600 rows, 6 sensors, 5% anomalies) in a session started with
 * {@code spark.sql.extensions=dev.lakead.sql.LakeadExtensions}: {@code lakead_score} gives the table's rows and
 * columns with the scores and decisions of the ML model and of the score job; the scalar functions agree with it row
 * by row; user errors are one LakeadException naming the bundle, table or argument.
 */
class LakeadExtensionsTest {
    private static final int ROWS = 600;
    /** ROC-AUC of lakead_score's anomaly_score on the lake's labels: measured 0.932 (600 rows, 12 epochs). */
    private static final double MIN_AUC = 0.9;
    private static final String[] SENSORS = {"s00", "s01", "s02", "s03", "s04", "s05"};
    private static final String FEATURES = String.join(", ", SENSORS);

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static String bundle;
    private static String lakePath;

    @BeforeAll
    static void sessionLakeAndBundle() throws Exception {
        // as spark-sql and the Thrift server run: Hive support (here a Derby metastore of its own) and the extension
        System.setProperty("derby.system.home", tmp.toString());
        spark = SparkSession.builder().master("local[2]").appName("lakead-sql-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.catalogImplementation", "hive")
                .config("spark.sql.warehouse.dir", tmp.resolve("spark-warehouse").toString())
                .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                        "jdbc:derby:;databaseName=" + tmp.resolve("metastore_db") + ";create=true")
                .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
                .config("spark.hadoop.hive.metastore.schema.verification", "false")
                .config("spark.sql.extensions", LakeadExtensions.class.getName())
                .getOrCreate();
        lakePath = tmp.resolve("lake").toString();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(spark, new SyntheticSensorLake.Spec(ROWS / 2, 2,
                SENSORS.length, 0.05, 0.0, 7, LocalDate.of(2026, 11, 1), 2)), lakePath);
        Dataset<Row> lake = spark.read().parquet(lakePath);
        lake.createOrReplaceTempView("sensors");
        lake.write().saveAsTable("default.sensors_table");
        bundle = tmp.resolve("models/sensors/v1").toString();
        new AnomalyDetector().setFeaturesCols(SENSORS).setEpochs(12).setWorkers(2)
                .setSetting("train.batch-size-per-worker", "64").setSetting("train.averaging-frequency", "4")
                .fit(lake.where(col("label").equalTo(0))).write().save(bundle);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    private static Dataset<Row> tvf(String table) {
        return spark.sql("SELECT * FROM lakead_score('" + bundle + "', '" + table + "')");
    }

    /** record_id → (score, decision). */
    private static Map<Long, Object[]> byRecord(Dataset<Row> scored, String score, String decision) {
        Map<Long, Object[]> out = new HashMap<>();
        for (Row r : scored.select(col("record_id"), col(score), col(decision)).collectAsList()) {
            out.put(r.getLong(0), new Object[]{r.getDouble(1), r.getBoolean(2)});
        }
        return out;
    }

    private static void assertSameScores(Map<Long, Object[]> expected, Map<Long, Object[]> actual, double relTol,
                                         String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": the same records");
        double threshold = RealtimeScorer.load(bundle).threshold().value();
        expected.forEach((id, e) -> {
            double s = (double) e[0];
            double other = (double) actual.get(id)[0];
            assertEquals(s, other, relTol * Math.max(1, Math.abs(s)), what + " record " + id);
            // two float paths (a batched gemm, a one-row one) may round a score at the threshold to either side:
            // then, and only then, may the decisions differ
            boolean straddles = Math.min(s, other) <= threshold && threshold < Math.max(s, other);
            if (!straddles) {
                assertEquals(e[1], actual.get(id)[1], what + " decision of record " + id);
            }
        });
    }

    @Test
    void tableFunctionGivesTheTablesRowsWithTheScorePathsScores() {
        Dataset<Row> scored = tvf("sensors");
        List<String> expected = new ArrayList<>(Arrays.asList(spark.table("sensors").columns()));
        expected.addAll(List.of("anomaly_score", "is_anomaly"));
        assertEquals(expected, Arrays.asList(scored.columns()));
        assertEquals(DataTypes.DoubleType, scored.schema().apply("anomaly_score").dataType());
        assertEquals(DataTypes.BooleanType, scored.schema().apply("is_anomaly").dataType());
        assertEquals(ROWS, scored.count());
        Map<Long, Object[]> sql = byRecord(scored, "anomaly_score", "is_anomaly");
        assertEquals(ROWS, sql.size(), "each record once");

        // the ML model on the same bundle and rows
        Map<Long, Object[]> ml = byRecord(AnomalyDetectionModel.load(bundle).transform(spark.table("sensors")),
                "anomaly_score", "is_anomaly");
        assertSameScores(ml, sql, 1e-9, "ML transform vs lakead_score");

        // the score job itself, reading the bundle (--model) and the same Parquet rows
        String scores = tmp.resolve("scores").toString();
        ScoreStep.run(JobContext.of(spark, Settings.defaults().with("input.path", lakePath, "model.path", bundle,
                "score.output-path", scores, "score.table-name", "")));
        assertSameScores(byRecord(spark.read().parquet(scores), "anomaly_score", "is_anomaly"), sql, 1e-9,
                "score job vs lakead_score");

        long flagged = scored.where(col("is_anomaly")).count();
        assertTrue(flagged > 0 && flagged < ROWS, "flagged " + flagged);
        double auc = new BinaryClassificationEvaluator().setLabelCol("label_d").setRawPredictionCol("anomaly_score")
                .evaluate(scored.withColumn("label_d", col("label").cast("double")));
        System.out.printf("sql lakead_score roc_auc=%.4f%n", auc);
        assertTrue(auc > MIN_AUC, "ROC-AUC " + auc);

        // a catalog table by db.table, inside a larger query
        Row perDay = spark.sql("SELECT count(*), sum(CAST(is_anomaly AS INT)) FROM lakead_score('" + bundle
                + "', 'default.sensors_table') WHERE dt = '2026-11-01'").first();
        assertEquals(spark.table("sensors").where("dt = '2026-11-01'").count(), perDay.getLong(0));
        assertEquals(scored.where("dt = '2026-11-01' AND is_anomaly").count(), perDay.getLong(1));
    }

    @Test
    void scalarFunctionsAgreeWithTheTableFunctionRowByRow() {
        Dataset<Row> scalar = spark.sql("SELECT record_id, lakead_anomaly_score('" + bundle + "', " + FEATURES
                + ") AS score, lakead_is_anomaly('" + bundle + "', " + FEATURES + ") AS flag FROM sensors");
        assertEquals(DataTypes.DoubleType, scalar.schema().apply("score").dataType());
        assertEquals(DataTypes.BooleanType, scalar.schema().apply("flag").dataType());
        // the real-time scorer works in float like the batch path; 1e-5 as RealtimeScorerTest
        assertSameScores(byRecord(tvf("sensors"), "anomaly_score", "is_anomaly"),
                byRecord(scalar, "score", "flag"), 1e-5, "lakead_score vs the scalar functions");

        // an ad-hoc row of literals (an int among them) scores as the same values in the table
        Row first = spark.sql("SELECT * FROM sensors WHERE record_id = 3").first();
        StringBuilder literals = new StringBuilder();
        for (String s : SENSORS) {
            literals.append(", CAST(").append(first.<Double>getAs(s)).append(" AS DOUBLE)");
        }
        double adHoc = spark.sql("SELECT lakead_anomaly_score('" + bundle + "'" + literals + ")").first().getDouble(0);
        double inTable = (double) byRecord(scalar, "score", "flag").get(3L)[0];
        assertEquals(inTable, adHoc, 1e-12);
    }

    @Test
    void hiveFunctionsRegisteredByCreateFunctionAgreeWithTheExtension() {
        spark.sql("CREATE TEMPORARY FUNCTION hive_score AS '" + HiveAnomalyScore.class.getName() + "'");
        spark.sql("CREATE FUNCTION default.hive_flag AS '" + HiveIsAnomaly.class.getName() + "'"); // in the metastore
        Dataset<Row> hive = spark.sql("SELECT record_id, hive_score('" + bundle + "', " + FEATURES + ") AS score, "
                + "default.hive_flag('" + bundle + "', " + FEATURES + ") AS flag FROM sensors");
        Dataset<Row> extension = spark.sql("SELECT record_id, lakead_anomaly_score('" + bundle + "', " + FEATURES
                + ") AS score, lakead_is_anomaly('" + bundle + "', " + FEATURES + ") AS flag FROM sensors");
        assertSameScores(byRecord(extension, "score", "flag"), byRecord(hive, "score", "flag"), 0, "Hive UDFs");
        String wrong = assertThrows(Exception.class, () -> spark.sql("SELECT hive_score('" + bundle
                + "', s00) FROM sensors")).getMessage();
        assertNames(wrong, "lakead_anomaly_score", bundle, "takes 6 feature values in this order: " + FEATURES);
    }

    @Test
    void repeatedQueriesUseTheBundleLoadedOnce() throws Exception {
        // a copy of the bundle whose network is damaged after the first queries: a reload would fail its manifest
        Path copy = copy(Path.of(bundle), tmp.resolve("models/cached/v1"));
        String table = "SELECT count(*) FROM lakead_score('" + copy + "', 'sensors') WHERE is_anomaly";
        String scalar = "SELECT sum(lakead_anomaly_score('" + copy + "', " + FEATURES + ")) FROM sensors";
        long flagged = spark.sql(table).first().getLong(0);
        double sum = spark.sql(scalar).first().getDouble(0);
        JobChecks.corruptedCopy(Path.of(bundle), tmp.resolve("models/damaged-network/v1"), "network.bin");
        Files.copy(tmp.resolve("models/damaged-network/v1/network.bin"), copy.resolve("network.bin"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNames(assertThrows(LakeadException.class, () -> AnomalyDetectionModel.load(copy.toString()))
                .getMessage(), "network.bin"); // the copy is damaged now ...
        assertEquals(flagged, spark.sql(table).first().getLong(0)); // ... but the loaded model is used
        assertEquals(sum, spark.sql(scalar).first().getDouble(0), 1e-9 * Math.abs(sum));
    }

    private static Path copy(Path dir, Path to) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted().toList()) {
                Path target = to.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static String error(Executable query) {
        return assertThrows(LakeadException.class, query).getMessage();
    }

    private static void assertNames(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        }
    }

    @Test
    void userErrorsAreOneLineNamingTheBundleTableOrArgument() throws Exception {
        String missing = tmp.resolve("models/none/v9").toString();
        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + missing + "', 'sensors')")),
                "lakead_score", missing, "does not exist");
        assertNames(error(() -> spark.sql("SELECT lakead_anomaly_score('" + missing + "', " + FEATURES
                + ") FROM sensors")), "lakead_anomaly_score", missing, "metadata.json is missing");
        Path damaged = JobChecks.corruptedCopy(Path.of(bundle), tmp.resolve("models/damaged/v1"), "network.bin");
        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + damaged + "', 'sensors')")),
                "lakead_score", damaged.toString(), "network.bin");

        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + bundle + "', 'default.nope')")),
                "lakead_score", "table 'default.nope' does not exist");
        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + bundle + "')")),
                "lakead_score", "takes 2 arguments, got 1", "lakead_score('<bundle uri>', '<table or db.table>')");
        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + bundle + "', 'sensors', 3)")),
                "takes 2 arguments, got 3");
        spark.table("sensors").drop("s03").createOrReplaceTempView("sensors_without_s03");
        assertNames(error(() -> spark.sql("SELECT * FROM lakead_score('" + bundle + "', 'sensors_without_s03')")),
                bundle, "sensors_without_s03", "'s03'");

        assertNames(error(() -> spark.sql("SELECT lakead_anomaly_score('" + bundle + "', s00, s01) FROM sensors")),
                "lakead_anomaly_score", bundle, "takes 6 feature values in this order: " + FEATURES, "got 2");
        assertNames(error(() -> spark.sql("SELECT lakead_is_anomaly('" + bundle + "') FROM sensors")),
                "lakead_is_anomaly", "takes at least 2 arguments, got 1");
        assertNames(error(() -> spark.sql("SELECT lakead_is_anomaly(device_id, " + FEATURES + ") FROM sensors")),
                "argument 1 (the bundle URI) must be a string literal", "device_id");
        assertNames(error(() -> spark.sql("SELECT lakead_anomaly_score('" + bundle
                + "', s00, s01, 'x', s03, s04, s05) FROM sensors")), "argument 4", "feature 's02'", "numeric");
    }
}
