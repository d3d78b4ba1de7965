package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payloads of each sink and the retry behaviour, against a real HTTP server on loopback. */
class AlertSinksTest {
    static final SeverityLadder LADDER = SeverityLadder.parse(List.of("warning=1.0", "critical=2.0"), "monitor.levels");
    static final DeliveryPolicy FAST = new DeliveryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), 4,
            Duration.ofMillis(10), Duration.ofMillis(40), 2.0);

    @TempDir
    Path dir;

    final List<Duration> waits = new ArrayList<>();
    final Redactor redactor = new Redactor();
    final HttpDelivery http = new HttpDelivery(FAST, redactor, waits::add);

    static Alert alert() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("record_id", 88L);
        keys.put("device_id", 17);
        return new Alert("a-0123456789abcdef0123456789abcdef", Alert.Kind.ANOMALY, "critical", 1, "sensors", "v3",
                Instant.parse("2026-11-06T03:10:00Z"), Instant.parse("2026-11-06T03:25:00Z"), keys,
                Map.of("device_id", 17), Map.of("dt", "2026-11-06"), 4.21, 1.5, 4.21 / 1.5, 3,
                List.of(new Alert.FeatureError("pressure", 3.1), new Alert.FeatureError("temp<1>", 0.92)),
                Instant.parse("2026-11-07T01:00:00Z"), null);
    }

    @Test
    void webhookPostsTheAlertAsJsonWithItsIdAsIdempotencyKey() throws Exception {
        try (RecordingServer server = RecordingServer.ok(204, "")) {
            SecretRef.Secret auth = new SecretRef.Secret("Bearer tok-123456", new SecretRef("env", "HOOK_TOKEN"));
            WebhookSink sink = new WebhookSink("hook", 0, URI.create(server.url("/hooks/anomalies")), auth, http);
            HttpDelivery.Result r = sink.deliver(alert());
            assertTrue(r.ok(), String.valueOf(r));
            RecordingServer.Request req = server.requests().get(0);
            assertEquals("POST", req.method());
            assertEquals("/hooks/anomalies", req.path());
            assertTrue(req.header("content-type").startsWith("application/json"));
            assertEquals(alert().id(), req.header("idempotency-key"));
            assertEquals("Bearer tok-123456", req.header("authorization"));
            JsonNode j = req.json();
            assertEquals(alert().id(), j.get("id").asText());
            assertEquals("anomaly", j.get("type").asText());
            assertEquals("critical", j.get("severity").asText());
            assertEquals("sensors", j.at("/model/name").asText());
            assertEquals("v3", j.at("/model/version").asText());
            assertEquals(88, j.at("/keys/record_id").asLong());
            assertEquals(17, j.at("/keys/device_id").asInt());
            assertEquals("2026-11-06", j.at("/partition/dt").asText());
            assertEquals(4.21, j.get("score").asDouble(), 1e-12);
            assertEquals(1.5, j.get("threshold").asDouble(), 1e-12);
            assertEquals("2026-11-06T03:10:00Z", j.get("time").asText());
            assertEquals(3, j.get("anomalies").asInt());
            assertEquals("pressure", j.at("/top_features/0/feature").asText());
            assertEquals(3.1, j.at("/top_features/0/error").asDouble(), 1e-12);
            assertEquals("lakead", j.get("source").asText());
            assertTrue(j.get("text").asText().contains("device_id=17"), j.get("text").asText());
            // the outbox keeps the same JSON and gets the alert back unchanged
            assertEquals(alert().toJson().toString(), Alert.fromJson(alert().toJson()).toJson().toString());
        }
    }

    @Test
    void slackGetsTextAndBlocksWithEscapedMarkdown() throws Exception {
        try (RecordingServer server = RecordingServer.ok(200, "ok")) {
            SlackSink sink = new SlackSink("ops", 0, URI.create(server.url("/services/T0/B0/xyz")), http);
            assertTrue(sink.deliver(alert()).ok());
            JsonNode j = server.requests().get(0).json();
            assertTrue(j.get("text").asText().contains("[CRITICAL] anomaly in sensors v3"), j.toString());
            assertEquals("header", j.at("/blocks/0/type").asText());
            assertEquals("CRITICAL anomaly: sensors v3", j.at("/blocks/0/text/text").asText());
            String fields = j.at("/blocks/1/fields").toString();
            assertTrue(fields.contains("device_id=17") && fields.contains("4.2100") && fields.contains("dt=2026-11-06"),
                    fields);
            String features = j.at("/blocks/2/text/text").asText();
            assertTrue(features.contains("pressure 3.1000") && features.contains("temp&lt;1&gt;"), features);
            assertTrue(j.at("/blocks/3/elements/0/text").asText().contains(alert().id()));
        }
    }

    @Test
    void slackAnswerOtherThanOkIsAFailure() throws Exception {
        try (RecordingServer server = RecordingServer.ok(400, "invalid_payload")) {
            SlackSink sink = new SlackSink("ops", 0, URI.create(server.url("/services/x")), http);
            HttpDelivery.Result r = sink.deliver(alert());
            assertFalse(r.ok());
            assertEquals(1, server.requests().size(), "a 400 is not retried");
            assertTrue(r.error().contains("invalid_payload"), r.error());
        }
    }

    @Test
    void pagerDutyGetsATriggerEventWithDedupKeyAndSeverity() throws Exception {
        try (RecordingServer server = RecordingServer.ok(202,
                "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")) {
            SecretRef.Secret key = new SecretRef.Secret("R0UT1NGKEY0000000000000000000000", new SecretRef("env", "PD"));
            PagerDutySink sink = new PagerDutySink("pager", 1, URI.create(server.url("/v2/enqueue")), key, LADDER,
                    http);
            assertTrue(sink.deliver(alert()).ok());
            JsonNode j = server.requests().get(0).json();
            assertEquals("R0UT1NGKEY0000000000000000000000", j.get("routing_key").asText());
            assertEquals("trigger", j.get("event_action").asText());
            assertEquals("lakead-" + alert().id(), j.get("dedup_key").asText());
            assertEquals("critical", j.at("/payload/severity").asText());
            assertEquals("lakead/sensors", j.at("/payload/source").asText());
            assertEquals("2026-11-06T03:10:00Z", j.at("/payload/timestamp").asText());
            assertEquals("dt=2026-11-06", j.at("/payload/group").asText());
            assertTrue(j.at("/payload/summary").asText().startsWith("[CRITICAL] anomaly in sensors v3"));
            assertEquals(17, j.at("/payload/custom_details/keys/device_id").asInt());
            // warning alerts do not go to a sink whose min-level is critical
            Alert warning = new Alert(alert().id(), Alert.Kind.ANOMALY, "warning", 0, "m", "v1", null, null, Map.of(),
                    Map.of(), Map.of(), 1, 1, 1.0, 1, List.of(), null, null);
            assertFalse(sink.accepts(warning));
        }
    }

    @Test
    void pagerDutySeverityFollowsTheLadder() {
        SeverityLadder custom = SeverityLadder.parse(List.of("notice=1.0", "high=1.5", "severe=3"), "monitor.levels");
        assertEquals("critical", custom.pagerDutySeverity("severe"));
        assertEquals("warning", custom.pagerDutySeverity("high"));
        assertEquals("severe", custom.levelOf(3.1, 1.0).name());
        assertEquals("high", custom.levelOf(2.0, 1.0).name());
        assertNull(custom.levelOf(1.0, 1.0), "equal to the threshold is not anomalous (score > threshold)");
        assertThrows(LakeadException.class, () -> SeverityLadder.parse(List.of("warning"), "monitor.levels"));
        assertThrows(LakeadException.class, () -> SeverityLadder.parse(List.of("a=1", "b=1"), "monitor.levels"));
    }

    @Test
    void retriesServerErrorsWithBackoffThenSucceeds() throws Exception {
        try (RecordingServer server = new RecordingServer(n -> n < 2 ? RecordingServer.Answer.of(500, "boom")
                : RecordingServer.Answer.of(200, "ok"))) {
            SlackSink sink = new SlackSink("ops", 0, URI.create(server.url("/s")), http);
            HttpDelivery.Result r = sink.deliver(alert());
            assertTrue(r.ok());
            assertEquals(3, r.attempts());
            assertEquals(3, server.requests().size());
            assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), waits, "exponential backoff");
            // every attempt carries the same alert
            assertEquals(server.requests().get(0).body(), server.requests().get(2).body());
        }
    }

    @Test
    void givesUpAfterMaxAttemptsAndHonoursRetryAfterUpToTheCap() throws Exception {
        try (RecordingServer server = new RecordingServer(n -> new RecordingServer.Answer(n == 0 ? 429 : 503, "",
                "1", 0))) {
            WebhookSink sink = new WebhookSink("hook", 0, URI.create(server.url("/h")), null, http);
            HttpDelivery.Result r = sink.deliver(alert());
            assertFalse(r.ok());
            assertEquals(4, r.attempts());
            assertEquals(4, server.requests().size());
            assertEquals(503, r.status());
            assertEquals(List.of(Duration.ofMillis(40), Duration.ofMillis(40), Duration.ofMillis(40)), waits,
                    "Retry-After: 1 s, capped at max-backoff");
        }
    }

    @Test
    void retriesTimeouts() throws Exception {
        DeliveryPolicy shortTimeout = new DeliveryPolicy(Duration.ofSeconds(2), Duration.ofMillis(200), 3,
                Duration.ofMillis(1), Duration.ofMillis(1), 1.0);
        HttpDelivery quick = new HttpDelivery(shortTimeout, redactor, waits::add);
        try (RecordingServer server = new RecordingServer(n -> n == 0 ? new RecordingServer.Answer(200, "ok", null, 1500)
                : RecordingServer.Answer.of(200, "ok"))) {
            HttpDelivery.Result r = new SlackSink("ops", 0, URI.create(server.url("/s")), quick).deliver(alert());
            assertTrue(r.ok(), String.valueOf(r));
            assertEquals(2, r.attempts());
        }
    }

    @Test
    void connectionRefusedIsRetriedAndReportedWithoutTheUrl() throws Exception {
        String url;
        try (RecordingServer server = RecordingServer.ok(200, "ok")) {
            url = server.url("/services/T00/B00/SECRETPATHxyz");
        } // closed: nothing listens there any more
        redactor.add(url);
        try (LogCapture logs = new LogCapture()) {
            HttpDelivery.Result r = new SlackSink("ops", 0, URI.create(url), http).deliver(alert());
            assertFalse(r.ok());
            assertEquals(4, r.attempts());
            assertFalse(r.error().contains("SECRETPATHxyz"), r.error());
            assertTrue(logs.text().contains("Sink ops"), logs.text());
            assertFalse(logs.text().contains("SECRETPATHxyz"), logs.text());
        }
    }

    private Settings sinks(String list) throws Exception {
        Path conf = Files.createTempFile(dir, "sinks", ".conf");
        Files.writeString(conf, "lakead.monitor.sinks = " + list + "\n");
        return Settings.load(conf.toFile(), Map.of());
    }

    @Test
    void sinkSettingsAreCheckedAndSecretsResolvedFromEnvironmentOrFile() throws Exception {
        Path keyFile = dir.resolve("pd.key");
        Files.writeString(keyFile, "  PDKEY-FROM-FILE-42\n");
        Path conf = dir.resolve("m.conf");
        Files.writeString(conf, """
                lakead.monitor.sinks = [
                  { name = "ops", type = "slack", url = "env:SLACK_URL" }
                  { name = "pager", type = "pagerduty", routing-key = "file:%s", min-level = "critical",
                    url = "http://127.0.0.1:9/v2/enqueue" }
                  { name = "hook", type = "webhook", url = "https://hooks.example.com/a", auth-header = "env:HOOK_AUTH" }
                ]
                """.formatted(keyFile));
        Settings s = Settings.load(conf.toFile(), Map.of());
        MonitorConfig cfg = MonitorConfig.from(s);
        assertEquals(3, cfg.sinks().size());
        assertEquals(1, cfg.sinks().get(1).minRank());
        Map<String, String> env = Map.of("SLACK_URL", "https://hooks.slack.com/services/T1/B1/zzzzzz",
                "HOOK_AUTH", "Bearer abc-123");
        Redactor r = new Redactor();
        List<AlertSink> sinks = new ArrayList<>();
        for (SinkConfig c : cfg.sinks()) {
            sinks.add(c.build(env::get, r, http, LADDER));
        }
        assertEquals(List.of("slack", "pagerduty", "webhook"), sinks.stream().map(AlertSink::type).toList());
        assertEquals("failed at *** and *** with ***", r.scrub(
                "failed at https://hooks.slack.com/services/T1/B1/zzzzzz and PDKEY-FROM-FILE-42 with Bearer abc-123"));
        assertFalse(sinks.toString().contains("zzzzzz"));

        // a missing variable is named, never a value
        LakeadException missing = assertThrows(LakeadException.class,
                () -> cfg.sinks().get(0).build(Map.<String, String>of()::get, r, http, LADDER));
        assertTrue(missing.getMessage().contains("monitor.sinks[0].url") && missing.getMessage().contains("SLACK_URL"),
                missing.getMessage());
        // a Slack URL written into the settings is refused without echoing it
        LakeadException literal = assertThrows(LakeadException.class, () -> MonitorConfig.from(sinks("[{ name = s, type = slack, url = \"https://hooks.slack.com/services/LEAK\" }]")));
        assertFalse(literal.getMessage().contains("LEAK"), literal.getMessage());
        assertThrows(LakeadException.class, () -> MonitorConfig.from(sinks("[{ name = s, type = teams, url = \"env:X\" }]")));
        LakeadException unknownKey = assertThrows(LakeadException.class, () -> MonitorConfig.from(sinks("[{ name = s, type = webhook, url = \"env:X\", secret = \"y\" }]")));
        assertTrue(unknownKey.getMessage().contains("monitor.sinks[0].secret"), unknownKey.getMessage());
        LakeadException level = assertThrows(LakeadException.class, () -> MonitorConfig.from(sinks("[{ name = s, type = webhook, url = \"env:X\", min-level = urgent }]")));
        assertTrue(level.getMessage().contains("urgent"), level.getMessage());
        assertThrows(LakeadException.class, () -> MonitorConfig.from(sinks("[{ name = p, type = pagerduty, routing-key = \"R0UTING\" }]")), "a literal routing key");
    }
}
