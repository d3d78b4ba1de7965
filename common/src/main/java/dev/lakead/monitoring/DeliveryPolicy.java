package dev.lakead.monitoring;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.time.Duration;

/** Timeouts and retries of alert deliveries (settings monitor.delivery.*). */
public record DeliveryPolicy(Duration connectTimeout, Duration requestTimeout, int maxAttempts,
                             Duration initialBackoff, Duration maxBackoff, double multiplier) {

    public static DeliveryPolicy from(Settings s) {
        double multiplier = s.number("monitor.delivery.backoff-multiplier");
        if (!(multiplier >= 1.0)) {
            throw new LakeadException("Setting 'monitor.delivery.backoff-multiplier' must be >= 1, got " + multiplier);
        }
        DeliveryPolicy p = new DeliveryPolicy(s.duration("monitor.delivery.connect-timeout"),
                s.duration("monitor.delivery.request-timeout"), s.positiveInt("monitor.delivery.max-attempts"),
                s.duration("monitor.delivery.initial-backoff"), s.duration("monitor.delivery.max-backoff"), multiplier);
        if (p.connectTimeout.isZero() || p.requestTimeout.isZero()) {
            throw new LakeadException("Settings 'monitor.delivery.connect-timeout' and 'request-timeout' must be"
                    + " positive");
        }
        return p;
    }

    /** Wait before attempt {@code attempt + 1} (attempt counts from 1): initial × multiplier^(attempt-1), capped. */
    public Duration backoff(int attempt) {
        double ms = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 1);
        return Duration.ofMillis((long) Math.min(ms, maxBackoff.toMillis()));
    }
}
