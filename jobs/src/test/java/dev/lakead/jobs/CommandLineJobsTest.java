package dev.lakead.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.testing.LakeadConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production jobs as users run them, on a CSV lake on local disk: preprocess and score read CSV, threshold
 * writes a new threshold version, evaluate joins labels from another table (--labels/--join), drift exits 3 with
 * --fail-on-drift only when a day has drifted. Exit codes 0, 2 and 3 and the outputs are asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineJobsTest {
    private static final int ROWS_PER_DAY = 400;
    private static final String[] DAYS = {"2026-11-01", "2026-11-02", "2026-11-03"};
    /** The day whose sensor s0 is shifted by three standard deviations (every row): drift, not anomalies. */
    private static final String DRIFTED_DAY = "2026-11-03";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private String csv;
    private String conf;
    private int labelledAnomalies;

    @BeforeAll
    void writeLakeAndSettings() throws Exception {
        csv = dir.resolve("readings.csv").toString();
        labelledAnomalies = ReadingsCsv.write(Path.of(csv), List.of(DAYS), ROWS_PER_DAY, 3,
                (day, i) -> !day.equals(DRIFTED_DAY) && i % 40 == 7, DRIFTED_DAY);
        conf = LakeadConf.forCsv(dir, Path.of(csv))
                .set("features.columns", "[s0, s1, s2, s3]")
                .set("features.id-columns", "[record_id, device_id]")
                .set("model.hidden-sizes", "[16, 2]")
                .set("model.learning-rate", "0.01")
                .set("train", "{ epochs = 12, batch-size-per-worker = 32, workers = 2 }")
                .set("score.key-columns", "[record_id, device_id]")
                .write();
    }

    private CliRun job(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", conf, "--master", "local[2]"));
        return CliRun.of(all.toArray(new String[0]));
    }

    private static void assertExit(int expected, CliRun r) {
        assertEquals(expected, r.exitCode(), "exit code; out:\n" + r.out() + "\nerr:\n" + r.err());
    }

    /** A user error: exit 2 and exactly one line on stderr, which starts as given. */
    private static void assertUserError(CliRun r, String startsWith) {
        assertExit(2, r);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().strip().startsWith(startsWith), r.err());
    }

    @Test
    @Order(1)
    void preprocessAndTrainFromCsv() {
        assertUserError(job("preprocess", "--where", "dt < '2026-11-03' AND label = 0",
                        "--set", "features.columns=s0,s1,s2,s9"),
                "lakead preprocess: error: Feature columns do not match the input (features.columns): missing column s9;");
        assertExit(0, job("preprocess", "--where", "dt = '2026-11-01' AND label = 0"));
        assertTrue(new File(dir.toFile(), "prepared/prepared.json").isFile());
        CliRun train = job("train");
        assertExit(0, train);
        assertTrue(train.out().contains("model: " + dir.resolve("models/readings/v1")), train.out());
        assertFalse(new File(dir.toFile(), "models/readings/_checkpoints/v1").exists(),
                "the training's checkpoints are removed once the bundle is written");
    }

    @Test
    @Order(2)
    void thresholdWritesANewVersion() throws Exception {
        CliRun r = job("threshold", "--method", "mean-std", "--k", "4");
        assertExit(0, r);
        JsonNode t = JSON.readTree(dir.resolve("models/readings/v1/threshold.json").toFile());
        assertEquals("mean-std", t.get("method").asText(), t.toString());
        assertTrue(new File(dir.toFile(), "models/readings/v1/thresholds/t2.json").isFile(), "second version kept");
        assertUserError(job("threshold", "--method", "median"), "lakead threshold: error: ");
    }

    @Test
    @Order(3)
    void scoreReadsCsvAndWritesOneRowPerRecord() throws Exception {
        assertExit(0, job("score"));
        CliRun count = job("sql", "SELECT concat('rows=', count(*), ' ids=', count(DISTINCT record_id)) AS c"
                + " FROM parquet.`" + dir.resolve("scores") + "`");
        assertExit(0, count);
        int total = ROWS_PER_DAY * DAYS.length;
        assertTrue(count.out().contains("rows=" + total + " ids=" + total), count.out());
        // a rerun replaces the output: still one row per record
        assertExit(0, job("score"));
        CliRun again = job("sql", "SELECT concat('rows=', count(*)) AS c FROM parquet.`" + dir.resolve("scores") + "`");
        assertTrue(again.out().contains("rows=" + total), again.out());
    }

    @Test
    @Order(4)
    void evaluateJoinsLabelsFromAnotherTable() throws Exception {
        String labels = dir.resolve("labels").toString();
        assertExit(0, job("sql", "--output", labels, "--format", "parquet",
                "CREATE TEMPORARY VIEW readings USING csv OPTIONS (path '" + csv + "', header 'true',"
                        + " inferSchema 'true'); SELECT record_id, label FROM readings"));

        // the score table has no labels: evaluate says so, then works with --labels/--join
        assertUserError(job("evaluate", "--where", "dt < '2026-11-03'"), "lakead evaluate: error: ");
        assertUserError(job("evaluate", "--labels", labels, "--join", "device_id"),
                "lakead evaluate: error: Join column 'device_id' (setting 'evaluate.join-columns') must be in both");
        CliRun r = job("evaluate", "--labels", labels, "--join", "record_id", "--where", "dt < '2026-11-03'");
        assertExit(0, r);
        JsonNode report = JSON.readTree(dir.resolve("report/report.json").toFile());
        assertEquals(2 * ROWS_PER_DAY, report.get("rows").asLong(), report.toString());
        assertEquals(0, report.get("unlabelled_rows").asLong(), "every record found its label");
        JsonNode cm = report.get("confusion_matrix");
        assertEquals(20, cm.get("true_positive").asLong() + cm.get("false_negative").asLong(),
                "the 20 labelled anomalies of the two days: " + cm);
        double auc = report.get("roc_auc").asDouble();
        assertTrue(auc > 0.9, "ROC-AUC with joined labels " + auc + "\n" + report);
    }

    @Test
    @Order(5)
    void driftExitsThreeOnlyWhenADayDriftedAndAsked() throws Exception {
        CliRun calm = job("drift", "--where", "dt = '2026-11-02'", "--fail-on-drift");
        assertExit(0, calm);
        assertTrue(calm.out().contains("retrain_recommended: false"), calm.out());

        CliRun drifted = job("drift", "--where", "dt = '" + DRIFTED_DAY + "'", "--fail-on-drift");
        assertExit(DriftJob.DRIFT_EXIT, drifted);
        assertTrue(drifted.out().contains("retrain_recommended: true"), drifted.out());
        assertTrue(drifted.out().contains("s0"), "names the drifted feature: " + drifted.out());
        assertTrue(JSON.readTree(dir.resolve("drift-summary.json").toFile()).get("retrain_recommended").asBoolean());

        assertExit(0, job("drift", "--where", "dt = '" + DRIFTED_DAY + "'"));
        assertUserError(job("drift", "--where", "no_such_column = 1"), "lakead drift: error: ");
        assertFalse(labelledAnomalies == 0);
    }
}
