package dev.lakead.jobs;

import dev.lakead.io.HadoopFiles;
import dev.lakead.pipeline.DriftSummary;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drift gate in process (no Spark): its exit codes, one-line answers and errors. */
class RetrainRecommendedJobTest {
    @TempDir
    Path dir;

    private String summary(String where, boolean drifted) {
        String path = dir.resolve("summary.json").toUri().toString();
        new DriftSummary("m/v1", where, "dt", List.of("2026-11-28"), "dt < '2026-11-01'", drifted,
                drifted ? List.of("dt=2026-11-28: s01 PSI 0.500, KS 0.300", "dt=2026-11-28: s02 PSI 0.400, KS 0.250")
                        : List.of(), 12, "warehouse/anomaly_drift", "2026-11-29T00:41:07Z")
                .write(new HadoopFiles(new Configuration()), path);
        return path;
    }

    @Test
    void recommendedIsExitZeroAndOneLineWithTheReasons() {
        String path = summary("dt = '2026-11-28'", true);
        CliRun r = CliRun.of("retrain-recommended", "--summary", path, "--where", "dt = '2026-11-28'");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("retrain recommended for dt = '2026-11-28' (dt=2026-11-28): dt=2026-11-28: s01 PSI 0.500,"
                + " KS 0.300; dt=2026-11-28: s02 PSI 0.400, KS 0.250 [" + path + ", computed 2026-11-29T00:41:07Z]",
                r.out().strip());
    }

    @Test
    void notRecommendedIsExitNinetyNine() {
        String path = summary("dt = '2026-11-28'", false);
        CliRun r = CliRun.of("retrain-recommended", "--set", "drift.summary-path=" + path, "--where",
                "  dt =  '2026-11-28' ");
        assertEquals(RetrainRecommendedJob.NOT_RECOMMENDED, r.exitCode(), r.err());
        assertEquals(99, r.exitCode());
        assertTrue(r.out().startsWith("retrain not recommended for"), r.out());
    }

    @Test
    void anotherFilterMissingOrForeignSummaryIsExitTwoAndOneLine() throws Exception {
        String path = summary("dt = '2026-11-27'", true);
        CliRun other = CliRun.of("retrain-recommended", "--summary", path, "--where", "dt = '2026-11-28'");
        assertEquals(2, other.exitCode());
        assertEquals("", other.out());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        assertTrue(other.err().contains("was written for drift.where \"dt = '2026-11-27'\""), other.err());

        CliRun missing = CliRun.of("retrain-recommended", "--summary", dir.resolve("none.json").toString(),
                "--where", "dt = '2026-11-28'");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        Path foreign = Files.writeString(dir.resolve("foreign.json"), "{\"retrain\": 1}");
        CliRun notOurs = CliRun.of("retrain-recommended", "--summary", foreign.toString(), "--where", "dt = 'x'");
        assertEquals(2, notOurs.exitCode());
        assertTrue(notOurs.err().contains("is not a drift job's summary"), notOurs.err());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"where\": ");
        CliRun notJson = CliRun.of("retrain-recommended", "--summary", broken.toString(), "--where", "dt = 'x'");
        assertEquals(2, notJson.exitCode());
        assertEquals(1, notJson.err().strip().lines().count(), notJson.err());
    }

    @Test
    void whereIsRequiredAndDryRunReadsNothing() {
        CliRun noWhere = CliRun.of("retrain-recommended", "--summary", "/nowhere.json");
        assertEquals(2, noWhere.exitCode());
        assertTrue(noWhere.err().contains("drift.where"), noWhere.err());
        CliRun dry = CliRun.of("retrain-recommended", "--summary", "/nowhere.json", "--where", "dt = 'x'",
                "--dry-run");
        assertEquals(0, dry.exitCode(), dry.err());
    }
}
