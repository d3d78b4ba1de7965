package dev.lakead.monitoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, on the driver, what happens to each alert candidate (episodes, most severe first), deterministically so
 * that a rerun makes the same decisions:
 * <ul>
 *   <li>its id is in the outbox already: planned by an earlier (perhaps crashed) run; it counts against the rate
 *   limit and is delivered only to the sinks that have not taken it yet;</li>
 *   <li>an earlier alert of the same model and dedup key, of the same or a higher severity, lies within the dedup
 *   window: deduplicated;</li>
 *   <li>else it is a new alert while the rate limit allows, and suppressed after that; when anything is
 *   suppressed, one summary alert reports the whole run.</li>
 * </ul>
 */
public final class AlertPlanner {

    /**
     * @param alerts        this run's alerts, in delivery order (individual alerts, then the summary if any)
     * @param fresh         those not yet in the outbox
     * @param alreadyPlanned this run's alerts found in the outbox (from an earlier run over the same rows)
     * @param deduplicated  candidates covered by an earlier alert
     * @param suppressed    episodes not alerted individually because of the rate limit
     * @param summary       the summary alert, or null
     */
    public record Plan(List<Alert> alerts, List<Alert> fresh, int alreadyPlanned, List<Alert> deduplicated,
                       long suppressed, Alert summary) {
    }

    /** Everything the planner looks at; candidates sorted most severe first. */
    public record Input(List<Alert> candidates, long episodes, Map<String, Long> episodesBySeverity,
                        long anomalousRecords, List<String> partitions) {
    }

    private AlertPlanner() {
    }

    public static Plan plan(Input in, Collection<Outbox.Entry> outbox, Duration window, int maxAlerts, int summaryTop,
                            SeverityLadder ladder) {
        Map<String, Outbox.Entry> byId = new LinkedHashMap<>();
        outbox.forEach(e -> byId.put(e.alert().id(), e));
        List<Alert> alerts = new ArrayList<>();
        List<Alert> fresh = new ArrayList<>();
        List<Alert> deduplicated = new ArrayList<>();
        int alreadyPlanned = 0;
        long suppressed = 0;
        for (Alert c : in.candidates()) {
            if (byId.containsKey(c.id())) {
                alerts.add(byId.get(c.id()).alert());
                alreadyPlanned++;
            } else if (coveredBy(c, byId.values(), window) != null) {
                deduplicated.add(c);
            } else if (alerts.size() < maxAlerts) {
                alerts.add(c);
                fresh.add(c);
            } else {
                suppressed++;
            }
        }
        suppressed += Math.max(0, in.episodes() - in.candidates().size());
        Alert summary = null;
        if (suppressed > 0) {
            Alert s = summary(in, alerts.size(), summaryTop, ladder);
            if (byId.containsKey(s.id())) {
                summary = byId.get(s.id()).alert();
                alreadyPlanned++;
            } else {
                summary = s;
                fresh.add(s);
            }
            alerts.add(summary);
        }
        return new Plan(alerts, fresh, alreadyPlanned, deduplicated, suppressed, summary);
    }

    /**
     * The earlier anomaly alert that makes a candidate a repeat: same model and dedup key, severity at least the
     * candidate's, and the candidate's episode within the window of it; null if none.
     */
    static Alert coveredBy(Alert c, Collection<Outbox.Entry> earlier, Duration window) {
        String key = Alert.describe(c.dedupKey());
        for (Outbox.Entry e : earlier) {
            Alert p = e.alert();
            if (p.kind() != Alert.Kind.ANOMALY || !p.model().equals(c.model()) || p.rank() < c.rank()
                    || !Alert.describe(p.dedupKey()).equals(key) || p.time() == null || c.time() == null) {
                continue;
            }
            Instant pEnd = p.lastTime() == null ? p.time() : p.lastTime();
            Instant cEnd = c.lastTime() == null ? c.time() : c.lastTime();
            if (!c.time().isAfter(pEnd.plus(window)) && !cEnd.isBefore(p.time().minus(window))) {
                return p;
            }
        }
        return null;
    }

    static Alert summary(Input in, int alertedIndividually, int summaryTop, SeverityLadder ladder) {
        SeverityLadder.Level level = ladder.lowest();
        for (SeverityLadder.Level l : ladder.levels()) {
            if (in.episodesBySeverity().getOrDefault(l.name(), 0L) > 0) {
                level = l;
            }
        }
        List<Alert> cands = in.candidates();
        Set<String> models = new LinkedHashSet<>();
        Set<String> versions = new LinkedHashSet<>();
        Instant first = null;
        Instant last = null;
        Instant scoredAt = null;
        for (Alert a : cands) {
            models.add(a.model());
            versions.add(a.modelVersion());
            first = min(first, a.time());
            last = max(last, a.lastTime());
            scoredAt = max(scoredAt, a.scoredAt());
        }
        List<Alert> top = new ArrayList<>(cands.subList(0, Math.min(summaryTop, cands.size())));
        String model = String.join(",", models);
        String id = "s-" + hash(String.join("\u001f", model, level.name(), String.join(",", in.partitions()),
                Long.toString(in.episodes())));
        Alert best = cands.isEmpty() ? null : cands.get(0);
        Alert.Summary summary = new Alert.Summary(in.episodes(), in.anomalousRecords(),
                new LinkedHashMap<>(in.episodesBySeverity()), in.partitions(), alertedIndividually, top);
        return new Alert(id, Alert.Kind.SUMMARY, level.name(), level.rank(), model, String.join(",", versions), first,
                last, Map.of(), Map.of(), Map.of(), best == null ? Double.NaN : best.score(),
                best == null ? Double.NaN : best.threshold(), best == null ? null : best.ratio(), in.anomalousRecords(),
                List.of(), scoredAt, summary);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
