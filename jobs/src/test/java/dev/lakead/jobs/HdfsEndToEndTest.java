package dev.lakead.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daily flow of the README with every path on a real HDFS (MiniDFSCluster in this JVM), each job run through
 * the command line as a user would: generate → preprocess → train → score → evaluate → monitor → drift → promote,
 * then a second training and a promote that compares the challenger with the champion. The settings file is on
 * HDFS too. Checks that every output is on HDFS and that nothing landed on the local disk in its place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HdfsEndToEndTest {
    private static final long ROWS_PER_DAY = 750;
    private static final int DAYS = 4;
    private static final int MAX_ALERTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The top-level directories this test uses on HDFS. */
    private static final List<String> HDFS_ROOTS = List.of("conf", "lake", "prepared", "models", "warehouse",
            "reports", "monitor", "metastore");

    MiniHdfs hdfs;
    HttpServer webhook;
    final List<String> alerts = new CopyOnWriteArrayList<>();
    /** Everything under the working directory (outside target/) before the first job ran, and when. */
    Set<String> localBefore;
    long startedMillis;
    String conf;
    /** Flagged records in the score table. */
    long anomalous;

    @BeforeAll
    void start() throws Exception {
        startedMillis = System.currentTimeMillis() - 2_000; // file systems keep modification times coarsely
        localBefore = localFiles();
        hdfs = MiniHdfs.start(Path.of("target/hdfs-e2e"));
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        webhook.start();
        // one settings file for every job, on HDFS, naming only hdfs:// paths
        hdfs.write("/conf/lakead.conf", String.join("\n",
                "lakead {",
                "  spark.conf { \"spark.sql.shuffle.partitions\" = \"2\", \"spark.ui.enabled\" = \"false\" }",
                "  catalog { type = in-memory, dir = \"" + hdfs.url("/metastore") + "\" }",
                "  input.path = \"" + hdfs.url("/lake/sensors") + "\"",
                "  prepared.path = \"" + hdfs.url("/prepared/sensors") + "\"",
                "  model { root = \"" + hdfs.url("/models") + "\", name = sensors, hidden-sizes = [16, 8, 4],"
                        + " learning-rate = 0.005 }",
                "  train { epochs = 3, batch-size-per-worker = 64, averaging-frequency = 4, workers = 2 }",
                "  threshold { percentile = 0.98, validation { path = \"" + hdfs.url("/lake/sensors") + "\","
                        + " where = \"dt >= '2026-11-03'\", label-column = label } }",
                "  score { output-path = \"" + hdfs.url("/warehouse/anomaly_scores") + "\","
                        + " key-columns = [record_id, device_id, ts, label], batch-size = 500 }",
                "  evaluate { output-dir = \"" + hdfs.url("/reports/evaluation") + "\","
                        + " where = \"dt >= '2026-11-03'\" }",
                "  drift { output-path = \"" + hdfs.url("/warehouse/anomaly_drift") + "\","
                        + " summary-path = \"" + hdfs.url("/reports/drift/summary.json") + "\" }",
                "  monitor {",
                "    log-path = \"" + hdfs.url("/monitor/anomaly-log") + "\"",
                "    state-dir = \"" + hdfs.url("/monitor/state") + "\"",
                "    rate-limit.max-alerts = " + MAX_ALERTS,
                "    sinks = [{ name = hook, type = webhook, url = \"http://127.0.0.1:"
                        + webhook.getAddress().getPort() + "/hook\" }]",
                "  }",
                "}", ""));
        conf = hdfs.url("/conf/lakead.conf");
    }

    @AfterAll
    void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private CliRun job(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", conf, "--master", "local[2]"));
        CliRun r = CliRun.of(all.toArray(new String[0]));
        assertEquals(0, r.exitCode(), args[0] + " failed:\n" + r.out() + r.err());
        return r;
    }

    @Test
    @Order(1)
    void generateAndPreprocess() throws Exception {
        job("generate", "--output", hdfs.url("/lake/sensors"), "--rows-per-day", String.valueOf(ROWS_PER_DAY),
                "--days", String.valueOf(DAYS), "--anomaly-rate", "0.03", "--partitions", "2");
        assertTrue(hdfs.exists("/lake/sensors/dt=2026-11-04"));

        job("preprocess", "--where", "dt < '2026-11-03' AND label = 0");
        for (String f : List.of("prepared.json", "preprocessing/features.json", "preprocessing/pipeline",
                "features/_SUCCESS")) {
            assertTrue(hdfs.exists("/prepared/sensors/" + f), f);
        }
    }

    @Test
    @Order(2)
    void trainWritesTheBundleOnHdfs() throws Exception {
        CliRun r = job("train");
        assertTrue(r.out().contains("model: " + hdfs.url("/models/sensors/v1")), r.out());
        for (String f : List.of("metadata.json", "threshold.json", "thresholds/t1.json", "network.bin", "manifest.json",
                "preprocessing/features.json", "preprocessing/pipeline")) {
            assertTrue(hdfs.exists("/models/sensors/v1/" + f), f);
        }
        assertEquals(List.of("v1"), hdfsChildren("/models/sensors"), "no temporary directory left");
    }

    @Test
    @Order(3)
    void scoreWritesOneRowPerRecord() throws Exception {
        job("score");
        // through the sql command, as a user would check it, with the query in a file on HDFS
        hdfs.write("/conf/counts.sql", "SELECT concat('lake=', (SELECT count(*) FROM parquet.`"
                + hdfs.url("/lake/sensors") + "`), ' rows=', count(*), ' ids=', count(DISTINCT record_id),"
                + " ' anomalous=', count_if(is_anomaly)) AS c\nFROM parquet.`" + hdfs.url("/warehouse/anomaly_scores")
                + "`;\n");
        CliRun r = job("sql", "-f", hdfs.url("/conf/counts.sql"));
        Matcher m = Pattern.compile("lake=(\\d+) rows=(\\d+) ids=(\\d+) anomalous=(\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        long lake = Long.parseLong(m.group(1));
        assertEquals(ROWS_PER_DAY * DAYS, lake);
        assertEquals(lake, Long.parseLong(m.group(2)), "one score row per input record");
        assertEquals(lake, Long.parseLong(m.group(3)), "distinct record ids");
        anomalous = Long.parseLong(m.group(4));
        for (int d = 1; d <= DAYS; d++) {
            assertTrue(hdfs.exists("/warehouse/anomaly_scores/dt=2026-11-0" + d));
        }
        // the in-memory catalog's default database sits under catalog.dir, not in ./spark-warehouse
        assertTrue(hdfs.exists("/metastore/warehouse"));
    }

    @Test
    @Order(4)
    void evaluateWritesReportAndFiguresOnHdfs() throws Exception {
        CliRun r = job("evaluate");
        assertTrue(r.out().contains(hdfs.url("/reports/evaluation/report.json")), r.out());
        JsonNode report = JSON.readTree(hdfs.read("/reports/evaluation/report.json"));
        assertEquals(hdfs.url("/reports/evaluation/report.html"), report.get("report_html").asText());
        String html = hdfs.read("/reports/evaluation/report.html");
        for (String png : List.of("loss_curve.png", "score_histogram.png", "roc_curve.png", "precision_recall.png")) {
            assertTrue(html.contains("src=\"" + png + "\""), "report.html references " + png);
            assertTrue(hdfs.fs().getFileStatus(new org.apache.hadoop.fs.Path("/reports/evaluation/" + png)).getLen()
                    > 5_000, png);
        }
    }

    @Test
    @Order(5)
    void monitorAlertsOnceAndKeepsItsStateOnHdfs() throws Exception {
        assertTrue(anomalous > MAX_ALERTS, "enough anomalies for the rate limit: " + anomalous);

        CliRun r = job("monitor");
        // every anomalous record is its own episode (dedup by record): max-alerts alerts, then one summary
        int expected = MAX_ALERTS + 1;
        String examined = String.format(java.util.Locale.ROOT, "records examined: %,d,", ROWS_PER_DAY * DAYS);
        assertTrue(r.out().contains(examined), r.out());
        assertTrue(r.out().contains("alerts: sent " + expected + ", already sent 0"), r.out());
        assertEquals(expected, alerts.size(), alerts.toString());
        assertEquals(1, alerts.stream().filter(a -> a.contains("\"type\":\"summary\"")).count(), alerts.toString());
        assertEquals(expected, hdfsChildren("/monitor/state/alerts").size());
        assertEquals(expected, hdfsChildren("/monitor/state/delivered").size());
        assertTrue(hdfs.exists("/monitor/state/watermark.json"));
        assertTrue(hdfsFiles("/monitor/anomaly-log").stream().anyMatch(f -> f.contains("/dt=")
                && f.contains("/part-")), "anomaly log partitions on HDFS");

        // a second run reads the watermark from HDFS: nothing new, nothing sent again
        CliRun again = job("monitor");
        assertTrue(again.out().contains("records examined: 0,"), again.out());
        assertEquals(expected, alerts.size());
    }

    @Test
    @Order(6)
    void driftWritesTableAndSummaryOnHdfs() throws Exception {
        CliRun r = job("drift", "--where", "dt = '2026-11-04'");
        // 9 features + the score distribution + the anomaly rate
        assertTrue(r.out().contains("drift_table: " + hdfs.url("/warehouse/anomaly_drift") + " (11 rows)"), r.out());
        assertTrue(r.out().contains("summary: " + hdfs.url("/reports/drift/summary.json")), r.out());
        JsonNode summary = JSON.readTree(hdfs.read("/reports/drift/summary.json"));
        assertEquals(hdfs.url("/warehouse/anomaly_drift"), summary.get("drift_table").asText());
        assertTrue(summary.has("retrain_recommended"));
        assertTrue(hdfsFiles("/warehouse/anomaly_drift/dt=2026-11-04").stream().anyMatch(f -> f.endsWith(".parquet")));
    }

    @Test
    @Order(7)
    void promoteComparesChallengerWithChampionOnHdfs() throws Exception {
        CliRun first = job("promote");
        assertTrue(first.out().contains("promoted") && !first.out().contains("not promoted"), first.out());
        assertEquals("v1", JSON.readTree(hdfs.read("/models/sensors/champion.json")).get("version").asText());

        job("train", "--set", "model.seed=43");
        assertTrue(hdfs.exists("/models/sensors/v2/network.bin"));
        // a tolerance of 1 makes the outcome certain; both versions are still scored and compared
        CliRun second = job("promote", "--set", "promote.tolerance=1");
        assertTrue(second.out().contains("challenger: " + hdfs.url("/models/sensors/v2")), second.out());
        Matcher before = Pattern.compile("champion before: roc-auc=([0-9.]+)").matcher(second.out());
        assertTrue(before.find(), "the champion was scored: " + second.out());
        JsonNode champion = JSON.readTree(hdfs.read("/models/sensors/champion.json"));
        assertEquals("v2", champion.get("version").asText());
        assertEquals(hdfs.url("/models/sensors/v2"), champion.get("path").asText());
        assertEquals("v1", champion.get("history").get(0).get("version").asText());
        assertEquals(List.of("champion.json", "v1", "v2"), hdfsChildren("/models/sensors"));
    }

    @Test
    @Order(8)
    void errorsAboutHdfsPathsAreOneLine() {
        CliRun noSql = CliRun.of("sql", "-f", hdfs.url("/conf/nope.sql"), "--dry-run");
        assertEquals(2, noSql.exitCode(), noSql.out() + noSql.err());
        assertEquals(1, noSql.err().strip().lines().count(), noSql.err());
        assertTrue(noSql.err().startsWith("lakead sql: error: cannot read SQL file " + hdfs.url("/conf/nope.sql")
                + ": File does not exist"), noSql.err());

        // the embedded Derby metastore cannot live on HDFS: one line naming the setting, before anything runs
        CliRun derby = CliRun.of("score", "--config", conf, "--master", "local[2]", "--set", "catalog.type=hive-derby");
        assertEquals(2, derby.exitCode(), derby.out() + derby.err());
        assertEquals("lakead score: error: Setting 'catalog.dir' is " + hdfs.url("/metastore") + ", but the"
                + " embedded Derby metastore (catalog.type hive-derby, auto's choice for a local master) needs a local"
                + " directory; give a local catalog.dir, or set catalog.type to in-memory or hive",
                derby.err().strip());
    }

    @Test
    @Order(9)
    void renamesKeepTheirLocalMeaningOnHdfs() throws Exception {
        dev.lakead.io.HadoopFiles files = new dev.lakead.io.HadoopFiles(hdfs.fs().getConf());
        // a file replaced by rename (HDFS's plain rename refuses an existing target)
        files.replaceString(hdfs.url("/rename/champion.json"), "one");
        files.replaceString(hdfs.url("/rename/champion.json"), "two");
        assertEquals("two", hdfs.read("/rename/champion.json"));
        assertEquals(List.of("champion.json"), hdfsChildren("/rename"), "no temporary file left");
        // a directory is not moved into an existing one (what HDFS's plain rename does)
        files.writeString(hdfs.url("/rename/_tmp-x/metadata.json"), "{}");
        files.writeString(hdfs.url("/rename/v1/metadata.json"), "{}");
        dev.lakead.LakeadException e = org.junit.jupiter.api.Assertions.assertThrows(dev.lakead.LakeadException.class,
                () -> files.renameInto(hdfs.url("/rename/_tmp-x"), hdfs.url("/rename/v1")));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(List.of("metadata.json"), hdfsChildren("/rename/v1"));
    }

    @Test
    @Order(10)
    void nothingWasWrittenToTheLocalDisk() throws Exception {
        Set<String> added = new TreeSet<>(localFiles());
        added.removeAll(localBefore);
        assertEquals(Set.of(), added, "files the jobs wrote under " + Path.of("").toAbsolutePath());
        // nor into what was there already (e.g. a spark-warehouse/ left by another test)
        Set<String> touched = new TreeSet<>();
        for (String p : localBefore) {
            Path f = Path.of(p);
            if (Files.exists(f) && Files.getLastModifiedTime(f).toMillis() > startedMillis) {
                touched.add(p);
            }
        }
        assertEquals(Set.of(), touched, "modified during the run");
    }

    /** Names in an HDFS directory, sorted. */
    private List<String> hdfsChildren(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : hdfs.fs().listStatus(new org.apache.hadoop.fs.Path(dir))) {
            out.add(st.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    /** Paths of every file under an HDFS directory. */
    private List<String> hdfsFiles(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = hdfs.fs().listFiles(new org.apache.hadoop.fs.Path(dir), true);
        while (it.hasNext()) {
            out.add(it.next().getPath().toUri().getPath());
        }
        return out;
    }

    /** Every path under the working directory except target/ (where the MiniDFSCluster keeps its blocks). */
    private static Set<String> localFiles() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        try (Stream<Path> walk = Files.walk(cwd)) {
            Set<String> out = new TreeSet<>();
            walk.map(p -> cwd.relativize(p).toString())
                    .filter(p -> !p.isEmpty() && !p.equals("target") && !p.startsWith("target/"))
                    .forEach(out::add);
            assertFalse(out.stream().anyMatch(p -> p.startsWith("hdfs:")), "a local directory named like an hdfs"
                    + " URI: " + out);
            // an hdfs:// URI that lost its scheme and authority would land at the root of the local disk
            for (String top : HDFS_ROOTS) {
                if (Files.exists(Path.of("/", top))) {
                    out.add("/" + top);
                }
            }
            return out;
        }
    }
}
