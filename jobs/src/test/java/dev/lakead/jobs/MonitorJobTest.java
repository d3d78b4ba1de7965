package dev.lakead.jobs;

import com.sun.net.httpserver.HttpServer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor command: help, settings checks in --dry-run, and a real run against a loopback webhook. */
class MonitorJobTest {
    @TempDir
    Path dir;

    @Test
    void helpAndDryRunOfTheExampleConfig() {
        CliRun help = CliRun.of("monitor", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--max-alerts") && help.out().contains("--[no-]new-only"), help.out());
        assertTrue(CliRun.of("--help").out().contains("monitor"));

        CliRun dry = CliRun.of("monitor", "--dry-run", "--config", "../conf/monitor-example.conf", "--where",
                "dt = '2026-11-06'", "--max-alerts", "5");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("env:SLACK_WEBHOOK_URL"), "references only: " + dry.out());
        assertTrue(dry.out().contains("\"max-alerts\" : 5") || dry.out().contains("\"max-alerts\" : \"5\""), dry.out());
    }

    @Test
    void badMonitorSettingsAreNamedWithoutEchoingSecrets() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "lakead.monitor.sinks = [{ name = ops, type = slack, url = "
                + "\"https://hooks.slack.com/services/T1/B1/LEAKEDtoken\" }]\n");
        CliRun r = CliRun.of("monitor", "--dry-run", "--config", conf.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("monitor.sinks[0].url"), r.err());
        assertFalse(r.err().contains("LEAKEDtoken"), r.err());

        CliRun levels = CliRun.of("monitor", "--dry-run", "--set", "monitor.levels=warning=1,critical");
        assertEquals(2, levels.exitCode());
        assertTrue(levels.err().contains("monitor.levels"), levels.err());
    }

    @Test
    void runsAgainstALoopbackWebhookAndFailsWhenDeliveryFails() throws Exception {
        String scores = dir.resolve("scores").toString();
        SparkSession spark = SparkSession.builder().master("local[1]").appName("monitor-job-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            StructType schema = new StructType().add("record_id", DataTypes.LongType)
                    .add("anomaly_score", DataTypes.DoubleType).add("is_anomaly", DataTypes.BooleanType)
                    .add("threshold", DataTypes.DoubleType).add("model_name", DataTypes.StringType)
                    .add("model_version", DataTypes.StringType).add("scored_at", DataTypes.TimestampType)
                    .add("dt", DataTypes.StringType);
            List<Row> rows = new ArrayList<>();
            Timestamp at = Timestamp.from(Instant.parse("2026-11-07T01:00:00Z"));
            for (long i = 0; i < 50; i++) {
                double score = i == 7 ? 3.0 : i == 9 ? 1.2 : 0.1;
                rows.add(RowFactory.create(i, score, score > 1, 1.0, "m", "v1", at, "2026-11-06"));
            }
            spark.createDataFrame(rows, schema).write().partitionBy("dt").parquet(scores);
        } finally {
            spark.stop();
        }

        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        try {
            Path urlFile = dir.resolve("hook.url");
            Files.writeString(urlFile, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/TOKENabc");
            Path conf = dir.resolve("monitor.conf");
            Files.writeString(conf, "lakead.monitor.sinks = [{ name = hook, type = webhook, url = \"file:" + urlFile
                    + "\" }]\nlakead.monitor.delivery { initial-backoff = 1ms, max-backoff = 2ms, max-attempts = 2 }\n");
            String[] args = {"monitor", "--master", "local[1]", "--set", "spark.conf.spark.sql.shuffle.partitions=2",
                    "--config", conf.toString(), "--scores", scores,
                    "--log", dir.resolve("log").toString(), "--state", dir.resolve("state").toString()};
            CliRun r = CliRun.of(args);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("records examined: 50, anomalous: 2"), r.out());
            assertTrue(r.out().contains("alerts: sent 2, already sent 0"), r.out());
            assertTrue(r.out().contains("anomaly_log: " + dir.resolve("log")), r.out());
            assertEquals(2, bodies.size());
            assertTrue(bodies.get(0).contains("\"severity\":\"critical\""), bodies.get(0));

            // the same rows with a lower level (new alerts) while the webhook is down: exit code 2, the outbox
            // keeps them; the two alerts sent before are not sent again
            status.set(500);
            Files.writeString(conf, Files.readString(conf) + "lakead.monitor.levels = [\"notice=0.05\"]\n");
            CliRun down = CliRun.of(append(args, "--no-new-only"));
            assertEquals(2, down.exitCode(), down.out() + down.err());
            assertTrue(down.err().contains("stay in the outbox"), down.err());
            assertTrue(down.out().contains("already sent 0, deduplicated 2"), down.out());
            assertFalse((down.out() + down.err()).contains("TOKENabc"));
        } finally {
            server.stop(0);
        }
    }

    private static String[] append(String[] args, String... more) {
        String[] out = new String[args.length + more.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }
}
