package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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

    @Test
    void benchTabular() throws IOException {
        // id,f0..f3,label: f1..f3 follow f0, anomalies break that
        Random r = new Random(1);
        StringBuilder csv = new StringBuilder("id,f0,f1,f2,f3,label\n");
        for (int id = 0; id < 400; id++) {
            boolean anomaly = id % 20 == 0;
            double x = r.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%d%n", id, x, 2 * x + 0.1 * r.nextGaussian(),
                    -x + 0.1 * r.nextGaussian(), anomaly ? 3 + r.nextGaussian() : 0.1 * r.nextGaussian(),
                    anomaly ? 1 : 0));
        }
        Path data = Files.createDirectories(dir.resolve("tabular-data"));
        Files.writeString(data.resolve("tiny.csv"), csv);
        CliRun r2 = run("bench-tabular", "--data-dir", data.toString(), "--datasets", "tiny", "--models",
                "autoencoder", "--workdir", dir.resolve("tabular").toString(), "--set", "train.epochs=1");
        assertTrue(r2.out().contains("references (published, not measured here)"), r2.out());
        assertLastLine(r2, "tabular mean_roc_auc ae=(" + NUMBER + ") vae=NaN best=(" + NUMBER
                + ") best_model=autoencoder");
    }

    @Test
    void benchSkab() throws IOException {
        // SKAB's layout: entity,seq,datetime,<its 8 sensors>,anomaly,changepoint; two experiments of 160 rows
        StringBuilder csv = new StringBuilder("entity,seq,datetime," + BenchSkabJob.SENSORS + ",anomaly,changepoint\n");
        Random r = new Random(2);
        for (String entity : List.of("valve1/0", "valve1/1")) {
            for (int seq = 0; seq < 160; seq++) {
                boolean anomaly = seq >= 130 && seq < 140;
                csv.append(entity).append(',').append(seq).append(String.format(Locale.ROOT,
                        ",2020-03-09 10:%02d:%02d", seq / 60, seq % 60));
                for (int f = 0; f < 8; f++) {
                    csv.append(String.format(Locale.ROOT, ",%.4f",
                            Math.sin(seq / 5.0 + f) + 0.05 * r.nextGaussian() + (anomaly ? 2 : 0)));
                }
                csv.append(anomaly ? ",1" : ",0").append(seq == 130 ? ",1" : ",0").append('\n');
            }
        }
        Path data = Files.createDirectories(dir.resolve("skab-data"));
        Files.writeString(data.resolve("skab.csv"), csv);
        CliRun r2 = run("bench-skab", "--data-dir", data.toString(), "--train-rows", "100",
                "--workdir", dir.resolve("skab").toString(), "--set", "train.epochs=1");
        assertLastLine(r2, "skab f1=(" + NUMBER + ") far=(" + NUMBER + ") mar=(" + NUMBER + ") point_adjusted_f1=("
                + NUMBER + ") entity_parallelism=(" + NUMBER + ")");
    }

    @Test
    void benchTs() throws IOException {
        // entity,seq,split,f0,f1,label: the first 100 rows of each entity train, the rest test
        StringBuilder csv = new StringBuilder("entity,seq,split,f0,f1,label\n");
        Random r = new Random(3);
        for (String entity : List.of("a", "b")) {
            for (int seq = 0; seq < 160; seq++) {
                boolean anomaly = seq >= 130 && seq < 140;
                csv.append(String.format(Locale.ROOT, "%s,%d,%s,%.4f,%.4f,%d%n", entity, seq,
                        seq < 100 ? "train" : "test", Math.sin(seq / 5.0) + 0.05 * r.nextGaussian() + (anomaly ? 2 : 0),
                        Math.cos(seq / 5.0) + 0.05 * r.nextGaussian(), anomaly ? 1 : 0));
            }
        }
        Path file = dir.resolve("ts.csv");
        Files.writeString(file, csv);
        CliRun r2 = run("bench-ts", file.toString(), "--workdir", dir.resolve("ts").toString(),
                "--set", "train.epochs=1");
        assertLastLine(r2, "ts f1=(" + NUMBER + ") pa_f1=(" + NUMBER + ") roc_auc=(" + NUMBER + ")");
    }

    @Test
    void benchTestcheck() {
        // every family on a tenth of the tests' lake with one epoch: the line's format, the promotion of the trained
        // autoencoder over the one-epoch, 1e-6-learning-rate champion, and real-time = batch for the three families
        // that score single records (the LSTM-AE scores windows)
        CliRun r = run("bench-testcheck", "--rows-per-day", "200", "--realtime-records", "100",
                "--workdir", dir.resolve("testcheck").toString(), "--set", "train.epochs=1",
                "--set", "model.anogan.encoder-epochs=1", "--set", "model.anogan.search-iterations=5");
        for (String family : List.of("autoencoder", "vae", "anogan", "lstm-ae")) {
            assertTrue(Pattern.compile("(?m)^" + family + " +[0-9.]+ +(pca-\\d|z-score) ").matcher(r.out()).find(),
                    family + " row:\n" + r.out());
        }
        assertLastLine(r, "tests hard_lake_auc_margin=(" + NUMBER + ") promote_better=ok realtime_families=3");
    }
}
