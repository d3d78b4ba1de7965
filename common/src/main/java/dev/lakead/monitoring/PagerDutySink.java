package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * PagerDuty Events API v2: a "trigger" event whose dedup_key is the alert id (a repeat after a crash joins the same
 * incident instead of opening a new one), with the severity mapped by the ladder and the alert in custom_details.
 */
public final class PagerDutySink extends HttpAlertSink {
    public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    private final SecretRef.Secret routingKey;
    private final SeverityLadder ladder;

    public PagerDutySink(String name, int minRank, URI uri, SecretRef.Secret routingKey, SeverityLadder ladder,
                         HttpDelivery http) {
        super(name, minRank, uri, http);
        this.routingKey = routingKey;
        this.ladder = ladder;
    }

    @Override
    public String type() {
        return "pagerduty";
    }

    public static String dedupKey(Alert a) {
        return "lakead-" + a.id();
    }

    public static ObjectNode payload(Alert a, String routingKey, SeverityLadder ladder) {
        ObjectNode event = Alert.JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        event.put("dedup_key", dedupKey(a));
        event.put("client", "lakead monitor");
        ObjectNode p = event.putObject("payload");
        String summary = a.title();
        p.put("summary", summary.length() > 1024 ? summary.substring(0, 1023) + "…" : summary);
        p.put("source", "lakead/" + a.model());
        p.put("severity", ladder.pagerDutySeverity(a.severity()));
        if (a.time() != null) {
            p.put("timestamp", a.time().toString());
        }
        p.put("component", a.model());
        if (!a.partition().isEmpty()) {
            p.put("group", Alert.describe(a.partition()));
        }
        p.put("class", a.kind() == Alert.Kind.SUMMARY ? "anomaly summary" : "anomaly");
        p.set("custom_details", a.toJson());
        return event;
    }

    @Override
    byte[] body(Alert alert) {
        return json(payload(alert, routingKey.reveal(), ladder));
    }
}
