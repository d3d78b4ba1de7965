package dev.lakead.monitoring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Delivers every (alert, sink) pair of the outbox that has no delivery marker yet, oldest alert first, and writes
 * the marker right after each accepted delivery. A sink that still fails after its retries gets nothing more in
 * this run (its alerts stay pending for the next run); other sinks go on.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What happened: accepted deliveries, and the ids of alerts with deliveries still pending. */
    public record Report(int deliveries, Set<String> deliveredNow, Set<String> pending, Map<String, String> errors) {
    }

    private final Outbox outbox;
    private final Map<String, AlertSink> sinks = new LinkedHashMap<>();
    private final Clock clock;

    public Dispatcher(Outbox outbox, List<AlertSink> sinks, Clock clock) {
        this.outbox = outbox;
        sinks.forEach(s -> this.sinks.put(s.name(), s));
        this.clock = clock;
    }

    public Report deliver(Map<String, Outbox.Entry> entries, Set<String> delivered) {
        List<Outbox.Entry> ordered = new ArrayList<>(entries.values());
        ordered.sort(Comparator.comparing(Outbox.Entry::createdAt)
                .thenComparingInt(Outbox.Entry::order) // a run's alerts most severe first, its summary last
                .thenComparing(e -> e.alert().id()));
        Set<String> broken = new HashSet<>();
        Set<String> unknown = new HashSet<>();
        Set<String> deliveredNow = new HashSet<>();
        Set<String> pending = new HashSet<>();
        Map<String, String> errors = new LinkedHashMap<>();
        int deliveries = 0;
        for (Outbox.Entry e : ordered) {
            Alert alert = e.alert();
            for (String sinkName : e.sinks()) {
                if (delivered.contains(Outbox.deliveryKey(alert.id(), sinkName))) {
                    continue;
                }
                AlertSink sink = sinks.get(sinkName);
                if (sink == null) {
                    if (unknown.add(sinkName)) {
                        LOG.warn("Outbox has alerts for sink '{}', which is no longer configured; they stay pending",
                                sinkName);
                    }
                    pending.add(alert.id());
                    continue;
                }
                if (broken.contains(sinkName)) {
                    pending.add(alert.id());
                    continue;
                }
                HttpDelivery.Result r = sink.deliver(alert);
                if (r.ok()) {
                    outbox.markDelivered(alert.id(), sinkName, clock.instant());
                    delivered.add(Outbox.deliveryKey(alert.id(), sinkName));
                    deliveredNow.add(alert.id());
                    deliveries++;
                    LOG.info("Alert {} sent to {} ({})", alert.id(), sinkName, sink.type());
                } else {
                    broken.add(sinkName);
                    pending.add(alert.id());
                    errors.put(sinkName, r.error());
                    LOG.warn("Sink {} failed ({}); its remaining alerts stay in the outbox for the next run",
                            sinkName, r.error());
                }
            }
        }
        return new Report(deliveries, deliveredNow, pending, errors);
    }
}
