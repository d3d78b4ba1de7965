package dev.lakead.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.config.Settings;
import dev.lakead.io.SparkSessions;
import dev.lakead.pipeline.DriftStep;
import dev.lakead.testing.LakeadConf;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * score.table-format = iceberg | delta where users run it, through the command-line jobs:
 * <ul>
 *   <li>two launcher JVMs (scripts/lakead) score two different days into the same table at the same time: both
 *       commit, the table has exactly both days' rows once, its history has the two commits, and a rerun of one day
 *       replaces it;</li>
 *   <li>the daily flow score → re-label (threshold --from-scores --relabel) → evaluate → monitor → drift, with
 *       evaluate's metrics those of the same flow on Parquet, monitor and drift reading the lakehouse table, and
 *       time travel reading the labels from before the re-label.</li>
 * </ul>
 * One tiny bundle, trained once; the in-process jobs run on this class's one session ({@link SparkJob#callOn}),
 * which has both formats and Iceberg's Hadoop catalog under catalog.dir, as the launcher's JVMs do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LakehouseJobsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final int ROWS_PER_DAY = 300;
    private static final List<String> DAYS = List.of("2026-11-01", "2026-11-02", "2026-11-03");
    private static final int ROWS = ROWS_PER_DAY * DAYS.size();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The launcher JVMs' output, kept after the run (a commit conflict and its retry show there). */
    private static final Path LAUNCHER_LOGS = Path.of("target/lakehouse-jobs-test");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LakehouseJobsTest.class);

    @TempDir
    static Path dir;
    private String conf;
    private SparkSession spark;
    /** evaluate's report of the same flow on the Parquet format (computed once, on first use). */
    private JsonNode parquetReport;

    @BeforeAll
    void lakeSessionAndBundle() throws IOException {
        Path csv = dir.resolve("readings.csv");
        ReadingsCsv.write(csv, DAYS, ROWS_PER_DAY, 5, (day, i) -> i % 30 == 7, null);
        conf = LakeadConf.forCsv(dir, csv)
                .set("features.columns", "[s0, s1, s2, s3]")
                .set("features.id-columns", "[record_id, device_id]")
                .set("model.hidden-sizes", "[8, 2]")
                .set("model.learning-rate", "0.01")
                .set("train", "{ epochs = 8, batch-size-per-worker = 32, workers = 1, holdout-fraction = 0 }")
                .set("score.key-columns", "[record_id, device_id, label]")
                // one session catalog per JVM; Iceberg's Hadoop catalog (its tables) is shared under catalog.dir
                .set("catalog.type", "in-memory")
                .set("spark.conf", "{ \"spark.ui.enabled\" = \"false\", \"spark.sql.shuffle.partitions\" = \"2\","
                        // Delta rebuilds a table's state over 50 partitions by default: slow for tiny tables
                        + " \"spark.databricks.delta.snapshotPartitions\" = \"1\" }")
                .write();
        spark = SparkSessions.getOrCreate(Settings.load(new File(conf), java.util.Map.of())
                .with("spark.master", "local[2]"), "lakehouse-jobs-test");
        job("preprocess", "--where", "dt = '2026-11-01' AND label = 0");
        job("train");
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // two JVMs, two days

    @ParameterizedTest
    @ValueSource(strings = {"iceberg", "delta"})
    void twoLauncherJvmsScoringDifferentDaysBothCommitWithoutDuplicates(String format) throws Exception {
        Table t = new Table(format, "concurrent");
        job(t.settings("score", "--where", "dt = '2026-11-01'")); // the table exists, as for a daily backfill
        // No lock of ours: each format's optimistic concurrency lets both commit. Iceberg retries a commit whose base
        // snapshot moved (commit.retry.num-retries, 4 by default, is plenty for two writers); Delta checks the later
        // commit against the earlier and finds no conflict between disjoint partitions (both read version 0 in the
        // log's history when the runs overlapped).
        Process a = launch(format + "-a", t.settings("score", "--where", "dt = '2026-11-02'"));
        Process b = launch(format + "-b", t.settings("score", "--where", "dt = '2026-11-03'"));
        assertSucceeded(format + "-a", a);
        assertSucceeded(format + "-b", b);

        t.refresh(); // the other JVMs' commits
        assertExactlyOnce(t.read(), ROWS);
        List<Row> commits = t.history();
        LOG.info("{} table history after the two launcher runs: {}", format, commits);
        assertEquals(3, commits.size(), "the first day's commit, then one per launcher run: " + commits);
        for (Row c : commits.subList(1, 3)) {
            assertEquals(ROWS_PER_DAY, c.getLong(1), "each run's commit adds its day's rows: " + commits);
        }

        job(t.settings("score", "--where", "dt = '2026-11-02'")); // a rerun replaces its day
        assertExactlyOnce(t.read(), ROWS);
        assertEquals(4, t.history().size(), "the rerun is one more commit");
    }

    /** scripts/lakead as a user starts it (local master, its own JVM), in the background; output in dir/NAME.*. */
    private Process launch(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/lakead").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", conf, "--master", "local[1]"));
        Files.createDirectories(LAUNCHER_LOGS);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(LAUNCHER_LOGS.resolve(name + ".out").toFile())
                .redirectError(LAUNCHER_LOGS.resolve(name + ".err").toFile());
        pb.environment().put("LAKEAD_NO_BUILD", "1");
        // a short-lived JVM on 2 shared cores: the client compiler and one GC thread start it sooner
        pb.environment().put("LAKEAD_JAVA_OPTS", "-Xmx768m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        return pb.start();
    }

    private void assertSucceeded(String name, Process p) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " finished");
        assertEquals(0, p.exitValue(), name + ":\n" + Files.readString(LAUNCHER_LOGS.resolve(name + ".out"))
                + Files.readString(LAUNCHER_LOGS.resolve(name + ".err")));
    }

    // ---------------------------------------------------------------------------------------------------------
    // the daily flow

    @ParameterizedTest
    @ValueSource(strings = {"iceberg", "delta"})
    void theDailyFlowReadsAndWritesTheLakehouseTable(String format) throws Exception {
        Table t = new Table(format, "daily");
        t.copyBundle();
        CliRun score = job(t.settings("score"));
        assertTrue(score.out().contains("input: " + ROWS + " rows read"), score.out());
        assertExactlyOnce(t.read(), ROWS);

        long before = t.currentVersion();
        CliRun relabel = job(t.settings("threshold", "--from-scores", "--where", "dt >= '2026-11-02'", "--relabel",
                "--method", "percentile", "--percentile", "0.9"));
        Matcher m = Pattern.compile("re-labelled (\\d+) rows, (\\d+) decisions changed").matcher(relabel.out());
        assertTrue(m.find(), relabel.out());
        assertEquals(2 * ROWS_PER_DAY, Long.parseLong(m.group(1)), relabel.out());
        long changed = Long.parseLong(m.group(2));
        assertTrue(changed > 0, "a 90th percentile flags more than the trained threshold: " + relabel.out());
        assertExactlyOnce(t.read(), ROWS);
        assertEquals("UPDATE", t.lastOperation());

        // time travel: the version before the re-label has the old decisions, exactly `changed` of them different
        Dataset<Row> old = t.asOf(before);
        assertEquals(ROWS, old.count());
        Dataset<Row> now = t.read();
        assertEquals(2 * ROWS_PER_DAY, old.as("o").join(now.as("n"), "record_id").where("o.threshold <> n.threshold")
                .count(), "the re-labelled days have the new threshold, the old one as of before");
        assertEquals(changed, old.as("o").join(now.as("n"), "record_id").where("o.is_anomaly <> n.is_anomaly")
                .count(), "time travel reads the decisions from before the re-label");
        assertEquals(0, old.as("o").join(now.as("n"), "record_id")
                .where("o.dt = '2026-11-01' AND (o.is_anomaly <> n.is_anomaly OR o.threshold <> n.threshold)")
                .count(), "the day outside --where keeps its labels");

        job(t.settings("evaluate"));
        JsonNode report = JSON.readTree(t.dir.resolve("report/report.json").toFile());
        assertEquals(ROWS, report.get("rows").asLong(), report.toString());
        assertEquals(t.described(), report.get("score_table").asText(), "evaluate read the lakehouse table");
        JsonNode parquet = parquetReport();
        assertEquals(parquet.get("confusion_matrix"), report.get("confusion_matrix"), "the same decisions as Parquet");
        assertEquals(parquet.get("roc_auc").asDouble(), report.get("roc_auc").asDouble(), 1e-12);
        assertEquals(parquet.get("pr_auc").asDouble(), report.get("pr_auc").asDouble(), 1e-12);
        assertTrue(report.get("roc_auc").asDouble() > 0.9, "detects the labelled anomalies: " + report);

        CliRun monitor = job(t.settings("monitor"));
        assertTrue(monitor.out().contains("records examined: " + ROWS + ","), monitor.out());
        t.assertNotReadableAsParquet();

        CliRun drift = job(t.settings("drift", "--where", "dt = '2026-11-03'"));
        assertTrue(drift.out().contains("drift_table: "), drift.out());
        Row rate = t.driftTable().where("feature = '" + DriftStep.RATE_FEATURE + "'").first();
        assertEquals(ROWS_PER_DAY, rate.<Long>getAs("rows").longValue(), "the day's rows of the score table");
        assertEquals("2026-11-03", String.valueOf(rate.<Object>getAs("dt")));
    }

    /** The same score → re-label → evaluate on Parquet: the reference for the lakehouse formats' reports. */
    private JsonNode parquetReport() throws IOException {
        if (parquetReport == null) {
            Table t = new Table("parquet", "daily");
            t.copyBundle();
            job(t.settings("score"));
            job(t.settings("threshold", "--from-scores", "--where", "dt >= '2026-11-02'", "--relabel",
                    "--method", "percentile", "--percentile", "0.9"));
            job(t.settings("evaluate"));
            parquetReport = JSON.readTree(t.dir.resolve("report/report.json").toFile());
        }
        return parquetReport;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Every record once: {@code rows} rows, as many distinct record ids, each day's ROWS_PER_DAY. */
    private static void assertExactlyOnce(Dataset<Row> table, long rows) {
        assertEquals(rows, table.count());
        assertEquals(rows, table.select("record_id").distinct().count(), "no duplicate record ids");
        for (Row day : table.groupBy("dt").count().collectAsList()) {
            assertEquals(ROWS_PER_DAY, day.getLong(1), "rows of " + day.get(0));
        }
    }

    /** A job through the command line on this class's session; it must succeed. */
    private CliRun job(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", conf));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LakeadCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] argv = all.toArray(new String[0]);
        Object parsed = cli.parseArgs(argv).subcommand().commandSpec().userObject();
        int code = parsed instanceof SparkJob j ? j.callOn(spark) : cli.execute(argv);
        CliRun r = new CliRun(code, out.toString(), err.toString());
        assertEquals(0, r.exitCode(), args[0] + " failed:\n" + r.out() + r.err());
        return r;
    }

    /** One format's score table, drift table, outputs and bundle copy under dir/FORMAT-KIND. */
    private final class Table {
        final String format;
        final Path dir;
        final String name;
        final String driftName;

        Table(String format, String kind) {
            this.format = format;
            this.dir = LakehouseJobsTest.this.dir.resolve(format + "-" + kind);
            // Iceberg's tables are in its catalog; Delta's and Parquet's at their path, registered under the name
            this.name = format.equals("iceberg") ? "iceberg.lake." + kind : format + "_" + kind;
            this.driftName = format.equals("iceberg") ? "iceberg.lake." + kind + "_drift" : format + "_" + kind
                    + "_drift";
        }

        /** The job's arguments with this table's settings. */
        String[] settings(String... job) {
            List<String> a = new ArrayList<>(List.of(job));
            for (String kv : List.of("score.table-format=" + format, "score.output-path=" + dir.resolve("scores"),
                    "score.table-name=" + name, "drift.output-path=" + dir.resolve("drift"),
                    "drift.table-name=" + driftName, "drift.summary-path=" + dir.resolve("drift.json"),
                    "evaluate.output-dir=" + dir.resolve("report"), "monitor.log-path=" + dir.resolve("log"),
                    "monitor.state-dir=" + dir.resolve("state"), "model.root=" + modelRoot())) {
                a.add("--set");
                a.add(kv);
            }
            return a.toArray(new String[0]);
        }

        private Path modelRoot() {
            return Files.isDirectory(dir.resolve("models")) ? dir.resolve("models")
                    : LakehouseJobsTest.this.dir.resolve("models");
        }

        /** Its own copy of the bundle: a re-label writes the bundle's next threshold version. */
        void copyBundle() throws IOException {
            Path from = LakehouseJobsTest.this.dir.resolve("models");
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
                    Path to = dir.resolve("models").resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        }

        Dataset<Row> read() {
            return format.equals("iceberg") ? spark.table(name)
                    : spark.read().format("delta").load(dir.resolve("scores").toString());
        }

        void refresh() {
            if (format.equals("iceberg")) {
                spark.sql("REFRESH TABLE " + name); // the catalog caches the table it loaded
            }
        }

        /** The table's commits, oldest first: (version, rows added, the version it was based on). */
        List<Row> history() {
            return format.equals("iceberg")
                    ? spark.sql("SELECT snapshot_id, CAST(summary['added-records'] AS BIGINT), parent_id FROM " + name
                    + ".snapshots ORDER BY committed_at").collectAsList()
                    : DeltaTable.forPath(spark, dir.resolve("scores").toString()).history()
                    .selectExpr("version", "CAST(operationMetrics['numOutputRows'] AS BIGINT)", "readVersion").orderBy("version")
                    .collectAsList();
        }

        long currentVersion() {
            List<Row> h = history();
            return h.get(h.size() - 1).getLong(0);
        }

        /** The last commit's operation, in Delta's words (Iceberg's UPDATE is an overwrite that deletes nothing). */
        String lastOperation() {
            if (format.equals("iceberg")) {
                Row last = spark.sql("SELECT operation, summary['deleted-data-files'], summary['added-data-files']"
                        + " FROM " + name + ".snapshots ORDER BY committed_at DESC LIMIT 1").first();
                return "overwrite".equals(last.getString(0)) ? "UPDATE" : last.getString(0);
            }
            return DeltaTable.forPath(spark, dir.resolve("scores").toString()).history(1).first().getAs("operation");
        }

        Dataset<Row> asOf(long version) {
            String table = format.equals("iceberg") ? name : "delta.`" + dir.resolve("scores") + "`";
            return spark.sql("SELECT * FROM " + table + " VERSION AS OF " + version);
        }

        /** A job reading a Parquet path here would not see the table's rows once (so monitor did not). */
        void assertNotReadableAsParquet() {
            Path scores = dir.resolve("scores");
            if (format.equals("iceberg")) {
                // only the score runs' records live at score.output-path; the table is in the catalog's warehouse
                try (Stream<Path> files = Files.walk(scores)) {
                    assertFalse(files.anyMatch(p -> p.toString().endsWith(".parquet")), "no Parquet under " + scores);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else {
                // the files the re-label replaced are still there for time travel: Parquet would count them too
                long files = spark.read().parquet(scores.toString()).count();
                assertTrue(files > ROWS, "a Parquet read of the Delta folder sees " + files + " rows");
            }
        }

        /** How the jobs name the table they read: Iceberg's by its catalog name, Delta's by its folder. */
        String described() {
            return format.equals("iceberg") ? name : dir.resolve("scores").toString();
        }

        Dataset<Row> driftTable() {
            return format.equals("iceberg") ? spark.table(driftName)
                    : spark.read().format("delta").load(dir.resolve("drift").toString());
        }
    }
}
