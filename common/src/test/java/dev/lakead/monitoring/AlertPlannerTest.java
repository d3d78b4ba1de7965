package dev.lakead.monitoring;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner's decisions: repeats within the window, escalation, the rate limit and its summary, reruns. */
class AlertPlannerTest {
    static final SeverityLadder LADDER = AlertSinksTest.LADDER;
    static final Instant T0 = Instant.parse("2026-11-06T00:00:00Z");

    static Alert anomaly(String id, int device, int rank, Instant time, double score) {
        return new Alert(id, Alert.Kind.ANOMALY, LADDER.byRank(rank).name(), rank, "sensors", "v1", time, time,
                Map.of("record_id", id), Map.of("device_id", device), Map.of("dt", "2026-11-06"), score, 1.0, score, 1,
                List.of(), time, null);
    }

    static Outbox.Entry earlier(Alert a) {
        return new Outbox.Entry(a, T0.minusSeconds(86_400), 0, List.of("ops"));
    }

    static AlertPlanner.Input input(List<Alert> candidates, long episodes) {
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        bySeverity.put("warning", episodes - 1);
        bySeverity.put("critical", 1L);
        return new AlertPlanner.Input(candidates, episodes, bySeverity, episodes * 3, List.of("dt=2026-11-06"));
    }

    @Test
    void repeatOfTheSameKeyWithinTheWindowIsDeduplicatedUnlessMoreSevere() {
        Alert before = anomaly("a-old", 7, 0, T0.minusSeconds(600), 1.5);
        Alert repeat = anomaly("a-repeat", 7, 0, T0, 1.6);          // 10 min later, same device, same level
        Alert escalated = anomaly("a-esc", 7, 1, T0, 2.5);          // same device, now critical
        Alert otherDevice = anomaly("a-other", 8, 0, T0, 1.4);
        Alert later = anomaly("a-later", 7, 0, T0.plusSeconds(7200), 1.5); // beyond the 1 h window
        Duration window = Duration.ofHours(1);
        List<Outbox.Entry> outbox = List.of(earlier(before));
        assertEquals(before, AlertPlanner.coveredBy(repeat, outbox, window));
        assertNull(AlertPlanner.coveredBy(escalated, outbox, window));
        assertNull(AlertPlanner.coveredBy(otherDevice, outbox, window));
        assertNull(AlertPlanner.coveredBy(later, outbox, window));
        assertNull(AlertPlanner.coveredBy(repeat, outbox, Duration.ofMinutes(5)));

        AlertPlanner.Plan plan = AlertPlanner.plan(input(List.of(escalated, repeat, otherDevice, later), 4), outbox,
                window, 10, 10, LADDER);
        assertEquals(List.of("a-esc", "a-other", "a-later"), plan.alerts().stream().map(Alert::id).toList());
        assertEquals(List.of("a-repeat"), plan.deduplicated().stream().map(Alert::id).toList());
        assertEquals(0, plan.suppressed());
        assertNull(plan.summary());
    }

    @Test
    void beyondTheRateLimitOneSummaryReplacesTheRest() {
        List<Alert> candidates = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            candidates.add(anomaly("a-" + i, i, i == 0 ? 1 : 0, T0, 10 - i * 0.1));
        }
        AlertPlanner.Plan plan = AlertPlanner.plan(input(candidates, 1523), List.of(), Duration.ofHours(1), 5, 10,
                LADDER);
        assertEquals(6, plan.alerts().size(), "5 alerts and the summary");
        assertEquals(1523 - 5, plan.suppressed());
        Alert s = plan.summary();
        assertNotNull(s);
        assertEquals(Alert.Kind.SUMMARY, s.kind());
        assertEquals("critical", s.severity(), "the highest severity found");
        assertEquals(10, s.summary().top().size());
        assertEquals("a-0", s.summary().top().get(0).id());
        assertTrue(s.title().startsWith("[CRITICAL] 1,523 anomalies in dt=2026-11-06 (sensors), 5 alerted"), s.title());
        assertTrue(s.text().contains("\n10. "), s.text());

        // the same rows again (a rerun): the same ids, found in the outbox, nothing new
        List<Outbox.Entry> outbox = plan.fresh().stream().map(AlertPlannerTest::earlier).toList();
        AlertPlanner.Plan again = AlertPlanner.plan(input(candidates, 1523), outbox, Duration.ofHours(1), 5, 10,
                LADDER);
        assertEquals(plan.alerts().stream().map(Alert::id).toList(), again.alerts().stream().map(Alert::id).toList());
        assertEquals(0, again.fresh().size());
        assertEquals(6, again.alreadyPlanned());
        assertEquals(0, again.deduplicated().size(), "its own earlier alerts are not repeats of themselves");
    }

    @Test
    void zeroMaxAlertsSendsOnlyTheSummary() {
        List<Alert> candidates = List.of(anomaly("a-1", 1, 1, T0, 3), anomaly("a-2", 2, 0, T0, 1.2));
        AlertPlanner.Plan plan = AlertPlanner.plan(input(candidates, 2), List.of(), Duration.ZERO, 0, 10, LADDER);
        assertEquals(1, plan.alerts().size());
        assertEquals(Alert.Kind.SUMMARY, plan.alerts().get(0).kind());
        assertEquals(2, plan.summary().summary().top().size());
    }
}
