package dev.lakead.monitoring;

import java.net.URI;
import java.util.Map;

/** A sink that POSTs one JSON document per alert through {@link HttpDelivery}. */
abstract class HttpAlertSink implements AlertSink {
    private final String name;
    private final int minRank;
    private final URI uri;
    protected final HttpDelivery http;

    HttpAlertSink(String name, int minRank, URI uri, HttpDelivery http) {
        this.name = name;
        this.minRank = minRank;
        this.uri = uri;
        this.http = http;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int minRank() {
        return minRank;
    }

    /** The request body for an alert. */
    abstract byte[] body(Alert alert);

    /** A JSON payload as the request body. */
    static byte[] json(Object payload) {
        try {
            return Alert.JSON.writeValueAsBytes(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Extra request headers. */
    Map<String, String> headers(Alert alert) {
        return Map.of();
    }

    /** Whether a 2xx answer means the alert was taken. */
    boolean accepted(int status, String answer) {
        return true;
    }

    @Override
    public HttpDelivery.Result deliver(Alert alert) {
        return http.post(name, alert.id(), uri, headers(alert), body(alert), this::accepted);
    }

    @Override
    public String toString() {
        return type() + " sink " + name; // never the URL
    }
}
