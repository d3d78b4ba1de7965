package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.MonitorStep;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor end to end on a small score table: anomaly log, alerts to real HTTP servers on loopback, reruns,
 * a crash midway, deduplication across runs, the rate limit's summary, and secrets kept out of every output.
 */
class MonitorStepTest extends SparkTestSupport {
    static final Instant SCORED_DAY1 = Instant.parse("2026-11-07T01:00:00Z");
    static final Instant SCORED_DAY2 = Instant.parse("2026-11-08T01:00:00Z");
    static final StructType SCHEMA = new StructType()
            .add("record_id", DataTypes.LongType)
            .add("device_id", DataTypes.IntegerType)
            .add("ts", DataTypes.TimestampType)
            .add("anomaly_score", DataTypes.DoubleType)
            .add("is_anomaly", DataTypes.BooleanType)
            .add("threshold", DataTypes.DoubleType)
            .add("model_name", DataTypes.StringType)
            .add("model_version", DataTypes.StringType)
            .add("scored_at", DataTypes.TimestampType)
            .add("feature_errors", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
            .add("dt", DataTypes.StringType);

    static final String SLACK_SECRET = "https://hooks.slack.invalid/services/T0SECRET/B0SECRET/slackTOKENxyz";
    static final String PD_KEY = "pdROUTINGkey0123456789abcdef";
    static final String HOOK_TOKEN = "Bearer hookTOKEN-98765";

    /**
     * Day 1 (dt=2026-11-06), threshold 1.0, 20 devices x 10 records at 30-minute steps from 00:00, scores 0.5 except:
     * device 1 at 03:00 1.5, 03:30 2.5, 04:00 1.2 (one episode, critical); device 2 at 00:00 1.3 and 04:30 1.4
     * (two episodes); device 3 at 04:30 5.0 (critical). Feature errors name the sensor that drove each score.
     */
    @BeforeAll
    static void scoreTable() {
        List<Row> rows = new ArrayList<>();
        Map<String, Double> special = Map.of("1@6", 1.5, "1@7", 2.5, "1@8", 1.2, "2@0", 1.3, "2@9", 1.4, "3@9", 5.0);
        long id = 0;
        for (int device = 1; device <= 20; device++) {
            for (int step = 0; step < 10; step++) {
                double score = special.getOrDefault(device + "@" + step, 0.5);
                rows.add(row(id++, device, Instant.parse("2026-11-06T00:00:00Z").plusSeconds(1800L * step), score,
                        SCORED_DAY1, "2026-11-06"));
            }
        }
        write(rows, SaveMode.Overwrite);
    }

    static Row row(long id, int device, Instant ts, double score, Instant scoredAt, String dt) {
        Map<String, Double> fe = new LinkedHashMap<>();
        fe.put("pressure", score * 0.6);
        fe.put("temperature", score * 0.3);
        fe.put("vibration", score * 0.1);
        return RowFactory.create(id, device, Timestamp.from(ts), score, score > 1.0, 1.0, "sensors", "v2",
                Timestamp.from(scoredAt), fe, dt);
    }

    static void write(List<Row> rows, SaveMode mode) {
        spark.createDataFrame(rows, SCHEMA).write().mode(mode).option("partitionOverwriteMode", "dynamic")
                .partitionBy("dt").parquet(path("scores"));
    }

    /** Settings for one test: its own state and log, sinks from a config file, fast retries. */
    static Settings settings(String name, String sinks, String... more) throws IOException {
        Path conf = tmp.resolve(name + ".conf");
        Files.writeString(conf, "lakead.monitor.sinks = " + sinks + "\n");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("monitor.scores-path", path("scores"));
        o.put("monitor.state-dir", path(name + "/state"));
        o.put("monitor.log-path", path(name + "/anomaly-log"));
        o.put("score.key-columns", "record_id,device_id");
        o.put("monitor.dedup.key-columns", "device_id");
        o.put("monitor.dedup.time-column", "ts");
        o.put("monitor.delivery.initial-backoff", "1ms");
        o.put("monitor.delivery.max-backoff", "5ms");
        o.put("monitor.delivery.max-attempts", "3");
        for (int i = 0; i < more.length; i += 2) {
            o.put(more[i], more[i + 1]);
        }
        return Settings.load(conf.toFile(), o);
    }

    static String sinks(RecordingServer hook, RecordingServer slack, RecordingServer pager) throws IOException {
        Path slackFile = tmp.resolve("slack.url");
        Files.writeString(slackFile, slack.url("/services/T0SECRET/B0SECRET/slackTOKENxyz") + "\n");
        return "[{ name = hook, type = webhook, url = \"" + hook.url("/alerts") + "\", auth-header = \"env:HOOK_TOKEN\" },"
                + " { name = ops, type = slack, url = \"file:" + slackFile + "\" },"
                + " { name = pager, type = pagerduty, url = \"" + pager.url("/v2/enqueue") + "\","
                + " routing-key = \"env:PD_ROUTING_KEY\", min-level = critical }]";
    }

    static MonitorEnvironment env() {
        return new MonitorEnvironment(Map.of("HOOK_TOKEN", HOOK_TOKEN, "PD_ROUTING_KEY", PD_KEY)::get,
                Clock.systemUTC(), d -> { }, s -> s);
    }

    static MonitorStep.Result monitor(Settings s, MonitorEnvironment env) {
        return MonitorStep.run(JobContext.of(spark, s), env);
    }

    static List<String> ids(RecordingServer server, String header) {
        return server.requests().stream().map(r -> r.header(header)).toList();
    }

    static List<String> alertIds(RecordingServer webhook) {
        return webhook.requests().stream().map(r -> r.json().get("id").asText()).toList();
    }

    static List<JsonNode> logLines(String name) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of(path(name + "/anomaly-log")))) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    out.add(Alert.JSON.readTree(line));
                }
            }
        }
        return out;
    }

    static String allFiles(String dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of(dir))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                sb.append(p).append('\n').append(Files.readString(p)).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void logsAnomaliesAndAlertsEverySinkOnceAcrossReruns() throws Exception {
        try (RecordingServer hook = new RecordingServer(n -> n < 2 ? RecordingServer.Answer.of(500, "busy")
                : RecordingServer.Answer.of(200, "{}"));
             RecordingServer slack = RecordingServer.ok(200, "ok");
             RecordingServer pager = RecordingServer.ok(202, "{\"status\":\"success\"}")) {
            Settings s = settings("e2e", sinks(hook, slack, pager));
            MonitorStep.Result r = monitor(s, env());

            assertEquals(200, r.examined());
            assertEquals(Map.of("warning", 4L, "critical", 2L), r.recordsBySeverity());
            assertEquals(4, r.episodes(), "device 1: one episode, device 2: two, device 3: one");
            assertEquals(Map.of("warning", 2L, "critical", 2L), r.episodesBySeverity());
            assertEquals(4, r.sent());
            assertEquals(0, r.failed());
            assertEquals(List.of("dt=2026-11-06"), r.partitions());
            assertEquals(4 + 4 + 2, r.deliveries());

            // webhook: two 500s retried, then every alert once, the most severe first
            assertEquals(6, hook.requests().size());
            List<String> hookIds = alertIds(hook).subList(2, 6);
            assertEquals(4, hookIds.stream().distinct().count());
            JsonNode first = hook.requests().get(2).json();
            assertEquals("critical", first.get("severity").asText());
            assertEquals(3, first.at("/keys/device_id").asInt());
            assertEquals(5.0, first.get("score").asDouble());
            assertEquals("pressure", first.at("/top_features/0/feature").asText());
            assertEquals(3.0, first.at("/top_features/0/error").asDouble(), 1e-9);
            assertEquals(HOOK_TOKEN, hook.requests().get(2).header("authorization"));
            JsonNode device1 = hook.requests().get(3).json();
            assertEquals(1, device1.at("/keys/device_id").asInt());
            assertEquals(2.5, device1.get("score").asDouble(), "the episode is shown by its worst record");
            assertEquals(3, device1.get("anomalies").asInt());
            assertEquals("2026-11-06T03:00:00Z", device1.get("time").asText());
            assertEquals("2026-11-06T04:00:00Z", device1.get("last_time").asText());
            // slack: all four; pagerduty: the two critical ones, dedup_key = alert id
            assertEquals(hookIds, slack.requests().stream()
                    .map(q -> q.json().at("/blocks/3/elements/0/text").asText().replaceAll(".*`(.*)`.*", "$1")).toList());
            assertEquals(List.of("lakead-" + hookIds.get(0), "lakead-" + hookIds.get(1)),
                    pager.requests().stream().map(q -> q.json().get("dedup_key").asText()).toList());
            assertEquals(PD_KEY, pager.requests().get(0).json().get("routing_key").asText());

            // the anomaly log: one JSON line per anomalous record
            List<JsonNode> log = logLines("e2e");
            assertEquals(6, log.size());
            JsonNode worst = log.stream().filter(l -> l.get("score").asDouble() == 5.0).findFirst().orElseThrow();
            assertEquals("2026-11-06T04:30:00.000000Z", worst.get("time").asText());
            assertEquals(3, worst.at("/keys/device_id").asInt());
            assertEquals("2026-11-06", worst.at("/partition/dt").asText());
            assertEquals(1.0, worst.get("threshold").asDouble());
            assertEquals(5.0, worst.get("ratio").asDouble());
            assertEquals("critical", worst.get("severity").asText());
            assertEquals("sensors", worst.at("/model/name").asText());
            assertEquals("v2", worst.at("/model/version").asText());
            assertEquals(List.of("pressure", "temperature", "vibration"),
                    List.of(worst.at("/top_features/0/feature").asText(), worst.at("/top_features/1/feature").asText(),
                            worst.at("/top_features/2/feature").asText()));
            assertEquals(hookIds.get(0), worst.get("alert_id").asText());
            assertEquals(3, log.stream().filter(l -> l.get("alert_id").asText().equals(hookIds.get(1))).count(),
                    "device 1's three records belong to its one alert");

            // the same run again: nothing new (no new rows since the watermark)
            MonitorStep.Result again = monitor(s, env());
            assertEquals(0, again.examined());
            assertEquals(0, again.sent());
            // the partition rescored (same results, later scored_at): same alert ids, already sent
            List<Row> day1 = spark.read().parquet(path("scores")).where("dt = '2026-11-06'").collectAsList().stream()
                    .map(x -> row(x.getLong(0), x.getInt(1), x.getTimestamp(2).toInstant(), x.getDouble(3),
                            SCORED_DAY1.plusSeconds(3600), "2026-11-06")).collect(Collectors.toList());
            write(day1, SaveMode.Overwrite);
            try {
                MonitorStep.Result rescored = monitor(s, env());
                assertEquals(200, rescored.examined());
                assertEquals(0, rescored.sent());
                assertEquals(4, rescored.alreadySent());
                assertEquals(6, hook.requests().size());
                assertEquals(4, slack.requests().size());
                assertEquals(2, pager.requests().size());
                assertEquals(6, logLines("e2e").size(), "the log partition is replaced, not appended to");
            } finally {
                scoreTable();
            }
        }
    }

    @Test
    void crashMidwayThenRerunDeliversEveryAlertExactlyOnce() throws Exception {
        try (RecordingServer hook = RecordingServer.ok(200, "{}");
             RecordingServer slack = RecordingServer.ok(200, "ok");
             RecordingServer pager = RecordingServer.ok(202, "{}")) {
            Settings s = settings("crash", sinks(hook, slack, pager));
            AtomicInteger calls = new AtomicInteger();
            MonitorEnvironment crashing = env().withSinkDecorator(sink -> new AlertSink() {
                public String name() {
                    return sink.name();
                }

                public String type() {
                    return sink.type();
                }

                public int minRank() {
                    return sink.minRank();
                }

                public HttpDelivery.Result deliver(Alert alert) {
                    if (calls.incrementAndGet() == 5) {
                        throw new IllegalStateException("simulated crash");
                    }
                    return sink.deliver(alert);
                }
            });
            IllegalStateException crash = assertThrows(IllegalStateException.class, () -> monitor(s, crashing));
            assertEquals("simulated crash", crash.getMessage());
            assertEquals(4, hook.requests().size() + slack.requests().size() + pager.requests().size());

            MonitorStep.Result rerun = monitor(s, env());
            assertEquals(0, rerun.examined(), "the crashed run had put its alerts in the outbox and moved on");
            // crashed before its 5th delivery: alert 1 had reached hook and ops (pager pending), alert 2 hook
            assertEquals(3, rerun.earlierDelivered(), "alerts 2, 3 and 4 completed by the rerun");
            assertEquals(0, rerun.failed());
            for (RecordingServer server : List.of(hook, slack)) {
                assertEquals(4, server.requests().size());
            }
            assertEquals(4, alertIds(hook).stream().distinct().count(), "each alert once: " + alertIds(hook));
            assertEquals(4, ids(hook, "idempotency-key").stream().distinct().count());
            assertEquals(2, pager.requests().stream().map(q -> q.json().get("dedup_key").asText()).distinct().count());
            assertEquals(2, pager.requests().size());

            // and a full re-examination of the same rows sends nothing more
            MonitorStep.Result again = monitor(settings("crash", sinks(hook, slack, pager), "monitor.new-only", "false"),
                    env());
            assertEquals(4, again.alreadySent());
            assertEquals(10, hook.requests().size() + slack.requests().size() + pager.requests().size());
        }
    }

    @Test
    void failedSinkKeepsItsAlertsForTheNextRun() throws Exception {
        try (RecordingServer hook = RecordingServer.ok(503, "down");
             RecordingServer slack = RecordingServer.ok(200, "ok");
             RecordingServer pager = RecordingServer.ok(202, "{}")) {
            Settings s = settings("down", sinks(hook, slack, pager));
            MonitorStep.Result r = monitor(s, env());
            assertEquals(4, r.failed());
            assertEquals(3, hook.requests().size(), "3 attempts, then the sink is skipped for this run");
            assertEquals(4, slack.requests().size(), "other sinks go on");
            assertTrue(r.sinkErrors().get("hook").contains("HTTP 503"), r.sinkErrors().toString());
            assertTrue(r.toText().contains("failed 4"), r.toText());

            hook.answer(n -> RecordingServer.Answer.of(200, "{}"));
            MonitorStep.Result next = monitor(s, env());
            assertEquals(4, next.earlierDelivered());
            assertEquals(0, next.failed());
            assertEquals(3 + 4, hook.requests().size());
            assertEquals(4, slack.requests().size(), "slack had them already");
        }
    }

    @Test
    void rateLimitSendsTheMostSevereAndOneSummary() throws Exception {
        try (RecordingServer hook = RecordingServer.ok(200, "{}")) {
            Settings s = settings("limit", "[{ name = hook, type = webhook, url = \"" + hook.url("/a") + "\" }]",
                    "monitor.rate-limit.max-alerts", "2", "monitor.rate-limit.summary-top", "3");
            MonitorStep.Result r = monitor(s, env());
            assertEquals(3, r.sent());
            assertEquals(2, r.suppressed());
            assertNotNull(r.summaryId());
            List<JsonNode> sent = hook.requests().stream().map(RecordingServer.Request::json).toList();
            assertEquals(List.of("anomaly", "anomaly", "summary"), sent.stream().map(j -> j.get("type").asText()).toList());
            assertEquals(List.of(3, 1), sent.subList(0, 2).stream().map(j -> j.at("/keys/device_id").asInt()).toList());
            JsonNode summary = sent.get(2);
            assertEquals(r.summaryId(), summary.get("id").asText());
            assertEquals("critical", summary.get("severity").asText());
            assertEquals(4, summary.at("/summary/episodes").asInt());
            assertEquals(6, summary.at("/summary/records").asInt());
            assertEquals(2, summary.at("/summary/alerted_individually").asInt());
            assertEquals(3, summary.at("/summary/top").size());
            assertTrue(summary.get("title").asText().startsWith("[CRITICAL] 4 anomalies in dt=2026-11-06 (sensors)"),
                    summary.get("title").asText());
            assertTrue(r.toText().contains("suppressed by the rate limit 2 (summary alert " + r.summaryId() + ")"),
                    r.toText());
        }
    }

    @Test
    void repeatsOfADeviceInTheNextPartitionAreDeduplicatedWithinTheWindow() throws Exception {
        try (RecordingServer hook = RecordingServer.ok(200, "{}")) {
            String sink = "[{ name = hook, type = webhook, url = \"" + hook.url("/a") + "\" }]";
            String table = "dedup-scores";
            Settings s = settings("dedup", sink, "monitor.scores-path", path(table), "monitor.dedup.window", "2h");
            List<Row> day1 = new ArrayList<>();
            day1.add(row(1, 5, Instant.parse("2026-11-06T23:00:00Z"), 1.5, SCORED_DAY1, "2026-11-06"));
            day1.add(row(2, 6, Instant.parse("2026-11-06T12:00:00Z"), 1.5, SCORED_DAY1, "2026-11-06"));
            spark.createDataFrame(day1, SCHEMA).write().partitionBy("dt").parquet(path(table));
            assertEquals(2, monitor(s, env()).sent());

            List<Row> day2 = new ArrayList<>();
            day2.add(row(3, 5, Instant.parse("2026-11-07T00:30:00Z"), 1.6, SCORED_DAY2, "2026-11-07")); // repeat
            day2.add(row(4, 6, Instant.parse("2026-11-07T00:30:00Z"), 1.6, SCORED_DAY2, "2026-11-07")); // 12.5 h later
            day2.add(row(5, 7, Instant.parse("2026-11-07T00:30:00Z"), 2.6, SCORED_DAY2, "2026-11-07")); // new device
            day2.add(row(6, 7, Instant.parse("2026-11-07T01:00:00Z"), 0.4, SCORED_DAY2, "2026-11-07"));
            spark.createDataFrame(day2, SCHEMA).write().mode(SaveMode.Append).partitionBy("dt").parquet(path(table));
            MonitorStep.Result r = monitor(s, env());
            assertEquals(4, r.examined(), "only the newly scored partition");
            assertEquals(List.of("dt=2026-11-07"), r.partitions());
            assertEquals(1, r.deduplicated());
            assertEquals(2, r.sent());
            List<Integer> devices = hook.requests().stream().map(q -> q.json().at("/keys/device_id").asInt()).toList();
            assertEquals(List.of(7, 6), devices.subList(2, 4));
        }
    }

    @Test
    void secretsNeverReachLogsOutputsOrState() throws Exception {
        String closedUrl;
        try (RecordingServer gone = RecordingServer.ok(200, "ok")) {
            closedUrl = gone.url("/services/T0SECRET/B0SECRET/deadTOKENabc");
        }
        Path deadFile = tmp.resolve("dead.url");
        Files.writeString(deadFile, closedUrl);
        try (RecordingServer hook = RecordingServer.ok(500, "error for " + HOOK_TOKEN); // even an echoed secret
             RecordingServer slack = RecordingServer.ok(200, "ok");
             RecordingServer pager = RecordingServer.ok(400, "{\"status\":\"invalid event\",\"key\":\"" + PD_KEY + "\"}");
             LogCapture logs = new LogCapture()) {
            String sinks = sinks(hook, slack, pager);
            sinks = sinks.substring(0, sinks.length() - 1) + ", { name = dead, type = slack, url = \"file:" + deadFile
                    + "\" }]";
            Settings s = settings("secrets", sinks);
            MonitorStep.Result r = monitor(s, env());
            assertTrue(r.failed() > 0);
            assertEquals(4, slack.requests().size());
            String everything = logs.text() + r.toText() + allFiles(path("secrets/state"))
                    + allFiles(path("secrets/anomaly-log")) + s.render();
            assertTrue(logs.text().contains("Sink dead"), logs.text());
            assertTrue(logs.text().contains("Sink hook"), logs.text());
            assertTrue(logs.text().contains("Sink pager"), logs.text());
            for (String secret : List.of("slackTOKENxyz", "deadTOKENabc", "T0SECRET", PD_KEY, HOOK_TOKEN, "hookTOKEN")) {
                assertFalse(everything.contains(secret), secret + " leaked:\n" + everything);
            }
        }
        // a missing secret stops the run before anything is written or sent, naming the variable only
        Settings s = settings("nosecret", "[{ name = p, type = pagerduty, routing-key = \"env:NOT_SET_ANYWHERE\" }]");
        var e = assertThrows(dev.lakead.LakeadException.class, () -> monitor(s, env()));
        assertTrue(e.getMessage().contains("NOT_SET_ANYWHERE"), e.getMessage());
        assertFalse(Files.exists(Path.of(path("nosecret/anomaly-log"))));
    }

    @Test
    void withoutSinksAlertsAreOnlyLoggedAndWithoutTimeColumnOneEpisodePerDeviceAndRun() throws Exception {
        Settings s = settings("nosinks", "[]", "monitor.dedup.time-column", "", "monitor.levels",
                "notice=0.9,warning=1.0,critical=2.0");
        MonitorStep.Result r = monitor(s, env());
        assertEquals(3, r.episodes(), "devices 1, 2 and 3, each at scored_at");
        assertEquals(Map.of("notice", 0L, "warning", 1L, "critical", 2L), r.episodesBySeverity());
        assertEquals(3, r.unrouted());
        assertTrue(r.toText().contains("no sinks configured"), r.toText());
        assertEquals(6, logLines("nosinks").size());
        assertNull(r.summaryId());
        Map<String, Long> byId = new HashMap<>();
        logLines("nosinks").forEach(l -> byId.merge(l.get("alert_id").asText(), 1L, Long::sum));
        assertEquals(3, byId.size());
    }
}
