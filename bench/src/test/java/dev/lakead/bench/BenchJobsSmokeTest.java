package dev.lakead.bench;

import dev.lakead.SparkTestSupport;
import dev.lakead.jobs.LakeadCli;
import dev.lakead.jobs.SparkJob;
import dev.lakead.testing.JobChecks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bench-* job runs on tiny data and ends with its documented summary line (the numbers are not judged here:
 * the scripts under bench/ measure them at full size); the ones that read data stop with one line naming a bad input.
 * All jobs run in this JVM on the class's one SparkSession ({@link SparkJob#callOn}), as parsed from their command
 * lines.
 */
class BenchJobsSmokeTest extends SparkTestSupport {
    private static final String NUMBER = "-?[0-9.]+(E-?[0-9]+)?|NaN";
    /** A generated lake of 1,100 rows and an autoencoder trained on it (bench-realtime's input). */
    private static Path lake;
    private static Path bundle;

    /** A job's exit code and output. */
    private record Run(int exitCode, String out, String err) {
        /** The output's last line matches {@code regex}. */
        void assertLastLine(String regex) {
            List<String> lines = out.strip().lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(Pattern.matches(regex, last), "last line '" + last + "' does not match " + regex);
        }
    }

    /** Parses the command line with {@code cli} and runs the job on the shared session (a job without Spark as is). */
    private static Run on(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Object job = cli.parseArgs(args).subcommand().commandSpec().userObject();
        int code = job instanceof SparkJob sparkJob ? sparkJob.callOn(spark) : cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A benchmark that must succeed. */
    private static Run bench(String... args) {
        Run r = on(BenchCli.commandLine(), args);
        assertEquals(0, r.exitCode(), args[0] + " failed:\n" + r.out() + "\n" + r.err());
        return r;
    }

    @BeforeAll
    static void lakeAndBundle() {
        lake = tmp.resolve("lake");
        Path prepared = tmp.resolve("prepared");
        for (String[] job : List.of(
                new String[]{"generate", "--output", lake.toString(), "--rows-per-day", "1100", "--days", "1",
                        "--partitions", "2"},
                new String[]{"preprocess", "--input", lake.toString(), "--where", "label = 0",
                        "--set", "prepared.path=" + prepared},
                new String[]{"train", "--set", "prepared.path=" + prepared,
                        "--set", "model.root=" + tmp.resolve("models"), "--set", "train.epochs=1"})) {
            Run r = on(LakeadCli.commandLine(), job);
            assertEquals(0, r.exitCode(), job[0] + " failed:\n" + r.out() + "\n" + r.err());
        }
        bundle = tmp.resolve("models/model/v1");
        assertTrue(Files.isRegularFile(bundle.resolve("network.bin")), bundle + " trained");
    }

    @Test
    void benchScoring() {
        bench("bench-scoring", "--rows", "2000", "--sensors", "4", "--train-rows", "800", "--epochs", "1",
                "--workdir", path("scoring")).assertLastLine("scoring rows_per_s=(" + NUMBER
                + ") io_floor_rows_per_s=(" + NUMBER + ") ratio=(" + NUMBER + ") train_samples_per_s=(" + NUMBER + ")");
    }

    @Test
    void benchSql() {
        bench("bench-sql", "--rows", "2000", "--sensors", "4", "--scalar-rows", "200", "--train-rows", "800",
                "--repeats", "1", "--workdir", path("sql"), "--set", "train.epochs=1")
                .assertLastLine("sql tvf_rows_per_s=(" + NUMBER + ") job_rows_per_s=(" + NUMBER + ") ratio=(" + NUMBER
                        + ") scalar_rows_per_s=(" + NUMBER + ")");
    }

    @Test
    void benchPerfWithoutPyTorch() {
        Run r = bench("bench-perf", "--rows", "2000", "--shapes", "8", "--train-rows", "500", "--train-shape", "8",
                "--epochs", "1", "--no-pytorch", "--workdir", path("perf"));
        r.assertLastLine("perf scoring_vs_bound=(" + NUMBER + ") scoring_vs_pytorch=(" + NUMBER
                + ") training_vs_pytorch=(" + NUMBER + ") training_vs_bound=(" + NUMBER + ") sgemm_gflops=(" + NUMBER
                + ") scoring_vs_serial_bound=(" + NUMBER + ")");
        // both floors: Spark SQL's pass and the scorer's own with a one-unit network
        assertTrue(Pattern.compile("io floor: Spark SQL pass [\\d,]+ rows/s,"
                + " scorer with a 1-unit network [\\d,]+ rows/s").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("spark 1 -> 2 workers: \\S+ -> \\S+ samples/s, (" + NUMBER + ") x")
                .matcher(r.out()).find(), r.out());
        // the CPU's vector extensions and the BLAS kernel in use, which decide the ratios on another machine
        assertTrue(Pattern.compile("cpu=.+ vector_extensions=\\S+ openblas_kernel=\\w+ \\(").matcher(r.out()).find(),
                r.out());
    }

    @Test
    void benchBlas() {
        Run r = bench("bench-blas", "--size", "64", "--label", "smoke"); // no Spark
        assertTrue(Pattern.compile("blas label=smoke threads=\\d+ gemm_gflops=").matcher(r.out()).find(), r.out());
    }

    @Test
    void benchAnoGan() {
        bench("bench-anogan", "--rows-per-day", "300", "--days", "2", "--train-days", "1",
                "--encoder-rows", "300", "--repeats", "1", "--min-encoder-seconds", "0",
                "--workdir", path("anogan"), "--set", "train.epochs=1",
                "--set", "model.anogan.encoder-epochs=1", "--set", "model.anogan.search-iterations=5")
                .assertLastLine("anogan speedup=(" + NUMBER + ") auc_search=(" + NUMBER + ") auc_encoder=(" + NUMBER
                        + ")");
    }

    @Test
    void benchRealtime() {
        bench("bench-realtime", "--model", bundle.toString(), "--input", lake.toString(), "--records", "200")
                .assertLastLine("realtime p50_us=(" + NUMBER + ") p99_us=(" + NUMBER + ") batch1024_p50_ms=(" + NUMBER
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
        Path data = Files.createDirectories(tmp.resolve("tabular-data"));
        Files.writeString(data.resolve("tiny.csv"), csv);
        Run r2 = bench("bench-tabular", "--data-dir", data.toString(), "--datasets", "tiny", "--models",
                "autoencoder", "--workdir", path("tabular"), "--set", "train.epochs=1");
        assertTrue(r2.out().contains("references (published, not measured here)"), r2.out());
        r2.assertLastLine("tabular mean_roc_auc ae=(" + NUMBER + ") vae=NaN best=(" + NUMBER
                + ") best_model=autoencoder");
    }

    /** A small LSTM Autoencoder for the two time-series benchmarks (their defaults are sized for real data). */
    private static final String[] SMALL_LSTM = {"--set", "train.epochs=1", "--set", "timeseries.window=5",
            "--set", "model.lstm.hidden-size=8", "--set", "model.lstm.layers=1", "--set", "model.lstm.latent-size=4"};

    private static String[] with(String[] args, String... more) {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
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
        Path data = Files.createDirectories(tmp.resolve("skab-data"));
        Files.writeString(data.resolve("skab.csv"), csv);
        bench(with(new String[]{"bench-skab", "--data-dir", data.toString(), "--train-rows", "100", "--workdir",
                path("skab")}, SMALL_LSTM)).assertLastLine("skab f1=(" + NUMBER + ") far=(" + NUMBER + ") mar=("
                + NUMBER + ") point_adjusted_f1=(" + NUMBER + ") entity_parallelism=(" + NUMBER + ")");
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
        Path file = tmp.resolve("ts.csv");
        Files.writeString(file, csv);
        bench(with(new String[]{"bench-ts", file.toString(), "--workdir", path("ts")}, SMALL_LSTM))
                .assertLastLine("ts f1=(" + NUMBER + ") pa_f1=(" + NUMBER + ") roc_auc=(" + NUMBER + ")");
    }

    @Test
    void benchTestcheck() {
        // every family on a tenth of the tests' lake with one epoch: the line's format, the promotion of the trained
        // autoencoder over the one-epoch, 1e-6-learning-rate champion, and real-time = batch for the three families
        // that score single records (the LSTM-AE scores windows)
        Run r = bench("bench-testcheck", "--rows-per-day", "200", "--realtime-records", "100",
                "--workdir", path("testcheck"), "--set", "train.epochs=1",
                "--set", "model.anogan.encoder-epochs=1", "--set", "model.anogan.search-iterations=5");
        for (String family : List.of("autoencoder", "vae", "anogan", "lstm-ae")) {
            assertTrue(Pattern.compile("(?m)^" + family + " +[0-9.]+ +(pca-\\d|z-score) ").matcher(r.out()).find(),
                    family + " row:\n" + r.out());
        }
        r.assertLastLine("tests hard_lake_auc_margin=(" + NUMBER + ") promote_better=ok realtime_families=3");
    }

    /** Exit 2, one line on stderr starting "lakead JOB: error:" and naming the culprit, nothing written. */
    private static void assertBadInput(String names, Path notWritten, String... args) {
        Run r = on(BenchCli.commandLine(), args);
        JobChecks.assertBadInput(r.exitCode(), r.out(), r.err(), args[0], names,
                notWritten == null ? new Path[0] : new Path[]{notWritten});
    }

    @Test
    void benchmarksThatReadDataNameABadInputInOneLine() throws IOException {
        Path copy = JobChecks.corruptedCopy(bundle, tmp.resolve("corrupted/model/v1"), "network.bin");
        assertBadInput("network.bin", null, "bench-realtime", "--model", copy.toString(), "--input", lake.toString(),
                "--records", "10");
        Path work = tmp.resolve("bench-work");
        assertBadInput("no-data", work, "bench-tabular", "--data-dir", path("no-data"), "--workdir", work.toString());
        assertBadInput("no-data", work, "bench-skab", "--data-dir", path("no-data"), "--workdir", work.toString());
    }
}
