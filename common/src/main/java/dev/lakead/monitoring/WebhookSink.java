package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generic JSON webhook: POSTs the alert as JSON ({@link Alert#toJson()} plus "source" and "text"), with headers
 * Idempotency-Key and X-Lakead-Alert-Id carrying the alert id so that a receiver can drop a repeat, and an
 * optional Authorization header from a secret.
 */
public final class WebhookSink extends HttpAlertSink {
    private final SecretRef.Secret authorization;

    public WebhookSink(String name, int minRank, URI uri, SecretRef.Secret authorization, HttpDelivery http) {
        super(name, minRank, uri, http);
        this.authorization = authorization;
    }

    @Override
    public String type() {
        return "webhook";
    }

    public static ObjectNode payload(Alert alert) {
        ObjectNode n = alert.toJson();
        n.put("source", "lakead");
        n.put("text", alert.text());
        return n;
    }

    @Override
    byte[] body(Alert alert) {
        return json(payload(alert));
    }

    @Override
    Map<String, String> headers(Alert alert) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Idempotency-Key", alert.id());
        h.put("X-Lakead-Alert-Id", alert.id());
        if (authorization != null) {
            h.put("Authorization", authorization.reveal());
        }
        return h;
    }
}
