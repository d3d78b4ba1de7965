package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bench-* job runs on tiny data and ends with its documented summary line (the numbers are not judged here:
 * the scripts under bench/ measure them at full size).
 */
class BenchJobsSmokeTest {
    @TempDir
    Path dir;

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--master", "local[2]", "--set", "catalog.type=in-memory",
                "--set", "catalog.dir=" + dir.resolve("metastore")));
        CliRun r = CliRun.of(all.toArray(new String[0]));
        assertEquals(0, r.exitCode(), args[0] + " failed:\n" + r.out() + "\n" + r.err());
        return r;
    }

    /** The output's last line matches {@code regex}. */
    private static void assertLastLine(CliRun r, String regex) {
        List<String> lines = r.out().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(Pattern.matches(regex, last), "last line '" + last + "' does not match " + regex);
    }

    private static final String NUMBER = "-?[0-9.]+(E-?[0-9]+)?|NaN";

    @Test
    void benchScoring() {
        CliRun r = run("bench-scoring", "--rows", "3000", "--sensors", "4", "--train-rows", "1000", "--epochs", "1",
                "--workdir", dir.resolve("scoring").toString());
        assertLastLine(r, "scoring rows_per_s=(" + NUMBER + ") io_floor_rows_per_s=(" + NUMBER + ") ratio=(" + NUMBER
                + ") train_samples_per_s=(" + NUMBER + ")");
    }

    @Test
    void benchPerfWithoutPyTorch() {
        CliRun r = run("bench-perf", "--rows", "2000", "--shapes", "8", "--train-rows", "500", "--train-shape", "8",
                "--epochs", "1", "--no-pytorch", "--workdir", dir.resolve("perf").toString());
        assertLastLine(r, "perf scoring_vs_bound=(" + NUMBER + ") scoring_vs_pytorch=(" + NUMBER
                + ") training_vs_pytorch=(" + NUMBER + ") sgemm_gflops=(" + NUMBER + ")");
        // the CPU's vector extensions and the BLAS kernel in use, which decide the ratios on another machine
        assertTrue(Pattern.compile("cpu=.+ vector_extensions=\\S+ openblas_kernel=\\w+ \\(").matcher(r.out()).find(),
                r.out());
    }

    @Test
    void benchBlas() {
        CliRun r = CliRun.of("bench-blas", "--size", "64", "--label", "smoke"); // no Spark: no Spark options
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Pattern.compile("blas label=smoke threads=\\d+ gemm_gflops=").matcher(r.out()).find(), r.out());
    }

    @Test
    void benchAnoGan() {
        CliRun r = run("bench-anogan", "--rows-per-day", "300", "--days", "2", "--train-days", "1",
                "--encoder-rows", "300", "--repeats", "1", "--min-encoder-seconds", "0",
                "--workdir", dir.resolve("anogan").toString(), "--set", "train.epochs=1",
                "--set", "model.anogan.encoder-epochs=1", "--set", "model.anogan.search-iterations=5");
        assertLastLine(r, "anogan speedup=(" + NUMBER + ") auc_search=(" + NUMBER + ") auc_encoder=(" + NUMBER + ")");
    }

    @Test
    void benchRealtime() {
        String lake = dir.resolve("lake").toString();
        run("generate", "--output", lake, "--rows-per-day", "1100", "--days", "1", "--partitions", "2");
        String common = "--set";
        run("preprocess", "--input", lake, "--where", "label = 0", common, "prepared.path=" + dir.resolve("prepared"));
        CliRun trained = run("train", common, "prepared.path=" + dir.resolve("prepared"), common,
                "model.root=" + dir.resolve("models"), common, "train.epochs=1");
        assertTrue(trained.out().contains("model: "), trained.out());
        CliRun r = run("bench-realtime", "--model", dir.resolve("models/model/v1").toString(), "--input", lake,
                "--records", "200");
        assertLastLine(r, "realtime p50_us=(" + NUMBER + ") p99_us=(" + NUMBER + ") batch1024_p50_ms=(" + NUMBER
                + ") records_per_s=(" + NUMBER + ") batch1024_records_per_s=(" + NUMBER + ")");
    }
}
