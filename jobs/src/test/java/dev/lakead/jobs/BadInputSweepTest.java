package dev.lakead.jobs;

import dev.lakead.testing.JobChecks;
import dev.lakead.testing.LakeadConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every job that reads something, run on bad inputs a user will meet: a missing or empty input, an unknown table, a
 * corrupted bundle, a model type that does not fit the prepared data. Each must stop with exit code 2 and exactly one
 * line on stderr naming what is at fault, no stack trace, and write nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputSweepTest {
    @TempDir
    static Path dir;
    private String conf;
    private Path csv;
    private Path bundle;

    @BeforeAll
    void trainABundle() throws Exception {
        csv = dir.resolve("readings.csv");
        List<String> lines = new ArrayList<>(List.of("record_id,dt,s0,s1,s2,label"));
        Random r = new Random(1);
        for (int i = 0; i < 120; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            lines.add(String.format(Locale.ROOT, "%d,2026-11-0%d,%.4f,%.4f,%.4f,%d", i, 1 + i % 2, a, b, a + b,
                    i % 30 == 0 ? 1 : 0));
        }
        Files.write(csv, lines);
        conf = LakeadConf.forCsv(dir, csv)
                .set("features.columns", "[s0, s1, s2]")
                .set("features.id-columns", "[record_id]")
                .set("model.hidden-sizes", "[4, 2]")
                .set("train", "{ epochs = 2, batch-size-per-worker = 32, workers = 1 }")
                .set("score.key-columns", "[record_id, label]")
                .path("monitor.log-path", "anomaly-log")
                .path("monitor.state-dir", "monitor-state")
                .file("threshold.validation.path", csv)
                .set("catalog.type", "in-memory")
                .write();
        assertEquals(0, job("preprocess").exitCode());
        CliRun train = job("train");
        assertEquals(0, train.exitCode(), train.err());
        bundle = dir.resolve("models/readings/v1");
        assertTrue(Files.isDirectory(bundle), train.out());
    }

    private CliRun job(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", conf, "--master", "local[1]"));
        return CliRun.of(all.toArray(new String[0]));
    }

    /** Exit 2, one line on stderr starting "lakead JOB: error:" and naming the culprit, nothing written. */
    private static void assertBadInput(CliRun r, String job, String names, Path... notWritten) {
        JobChecks.assertBadInput(r.exitCode(), r.out(), r.err(), job, names, notWritten);
    }

    /** A copy of the trained bundle with one file truncated to half its size. */
    private Path corruptedBundle(String name, String file) throws IOException {
        return JobChecks.corruptedCopy(bundle, dir.resolve("models-" + name + "/readings/v1"), file);
    }

    private Path emptyCsv() throws IOException {
        Path p = dir.resolve("empty.csv");
        Files.writeString(p, "");
        return p;
    }

    @Test
    void preprocess() throws Exception {
        Path out = dir.resolve("prepared-bad");
        assertBadInput(job("preprocess", "--input", dir.resolve("nope.csv").toString(), "--output", out.toString()),
                "preprocess", "nope.csv (setting 'input.path') does not exist", out);
        assertBadInput(job("preprocess", "--input", emptyCsv().toString(), "--output", out.toString()),
                "preprocess", "empty.csv (setting 'input.path') is empty", out);
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, "record_id,dt,s0,s1,s2,label\n");
        assertBadInput(job("preprocess", "--input", headerOnly.toString(), "--output", out.toString()),
                "preprocess", "No training rows in " + headerOnly, out);
        Path emptyDir = Files.createDirectories(dir.resolve("empty-table"));
        assertBadInput(job("preprocess", "--input", emptyDir.toString(), "--format", "parquet", "--output",
                out.toString()), "preprocess", emptyDir.toString(), out);
        assertBadInput(job("preprocess", "--output", out.toString(), "--set", "model.type=lstm-ae"),
                "preprocess", "timeseries", out);
    }

    @Test
    void train() {
        Path next = dir.resolve("models/readings/v2");
        assertBadInput(job("train", "--set", "model.type=lstm-ae"), "train", "timeseries", next);
        assertBadInput(job("train", "--prepared", dir.resolve("no-prepared").toString()), "train",
                "No prepared data at " + dir.resolve("no-prepared"), next);
        assertFalse(Files.exists(dir.resolve("models/readings/_checkpoints")), "no checkpoint left behind");
    }

    @Test
    void threshold() throws Exception {
        Path copy = corruptedBundle("threshold", "network.bin");
        assertBadInput(job("threshold", "--model", copy.toString(), "--method", "mean-std"), "threshold",
                "network.bin", copy.resolve("thresholds/t2.json"));
        assertBadInput(job("threshold", "--model", dir.resolve("models/readings/v9").toString()), "threshold",
                "v9", dir.resolve("models/readings/v9"));
        assertBadInput(job("threshold", "--from-scores", "--set", "threshold.adjust.scores-path="
                + dir.resolve("no-scores")), "threshold", "no-scores", bundle.resolve("thresholds/t2.json"));
    }

    @Test
    void score() throws Exception {
        Path out = dir.resolve("scores-bad");
        assertBadInput(job("score", "--input", dir.resolve("nope.csv").toString(), "--output", out.toString()),
                "score", "nope.csv (setting 'input.path') does not exist", out);
        assertBadInput(job("score", "--input", emptyCsv().toString(), "--output", out.toString()), "score",
                "empty.csv (setting 'input.path') is empty", out);
        Path copy = corruptedBundle("score", "network.bin");
        assertBadInput(job("score", "--model", copy.toString(), "--output", out.toString()), "score", "network.bin",
                out);
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "record_id,dt,label,x,y\n1,2026-11-01,0,1.0,2.0\n2,2026-11-01,0,1.5,2.5\n");
        assertBadInput(job("score", "--input", other.toString(), "--output", out.toString()), "score",
                "missing columns s0, s1, s2", out);
    }

    @Test
    void evaluateAndMonitor() throws Exception {
        Path report = dir.resolve("report");
        assertBadInput(job("evaluate", "--scores", dir.resolve("no-scores").toString()), "evaluate",
                "no-scores", report);
        Path emptyDir = Files.createDirectories(dir.resolve("empty-scores"));
        assertBadInput(job("evaluate", "--scores", emptyDir.toString()), "evaluate", emptyDir.toString(), report);
        assertBadInput(job("monitor", "--scores", dir.resolve("no-scores").toString()), "monitor", "no-scores",
                dir.resolve("anomaly-log"), dir.resolve("monitor-state"));
    }

    @Test
    void drift() throws Exception {
        Path out = dir.resolve("drift");
        Path summary = dir.resolve("drift-summary.json");
        assertBadInput(job("drift", "--where", "dt = '2026-11-02'", "--reference-where", "dt = '2026-11-01'",
                "--input", dir.resolve("nope.csv").toString()), "drift", "nope.csv", out, summary);
        Path copy = corruptedBundle("drift", "network.bin");
        assertBadInput(job("drift", "--where", "dt = '2026-11-02'", "--reference-where", "dt = '2026-11-01'",
                "--model", copy.toString()), "drift", "network.bin", out, summary);
    }

    @Test
    void promote() throws Exception {
        Path copy = corruptedBundle("promote", "network.bin");
        assertBadInput(job("promote", "--model", copy.toString()), "promote", "network.bin",
                copy.getParent().resolve("champion.json"));
        assertBadInput(job("promote", "--validation", dir.resolve("no-validation").toString()), "promote",
                "no-validation", dir.resolve("models/readings/champion.json"));
    }

    @Test
    void sqlAndRetrainRecommended() {
        Path out = dir.resolve("sql-out");
        assertBadInput(job("sql", "--output", out.toString(), "--format", "csv", "SELECT * FROM no_such_table"),
                "sql", "no_such_table", out);
        assertBadInput(job("sql", "--output", out.toString(), "--format", "csv",
                "SELECT * FROM parquet.`" + dir.resolve("no-table") + "`"), "sql", "no-table", out);
        CliRun r = job("retrain-recommended", "--where", "dt = '2026-11-02'", "--summary",
                dir.resolve("no-summary.json").toString());
        assertBadInput(r, "retrain-recommended", "no-summary.json");
    }
}
