package dev.lakead.monitoring;

/** Somewhere alerts go. {@link #deliver} reports failures in its result; it throws only on a bug or a crash. */
public interface AlertSink {

    /** Unique name from the settings; delivery state is kept per alert and sink name. */
    String name();

    /** webhook | slack | pagerduty */
    String type();

    /** Lowest severity rank this sink takes. */
    int minRank();

    default boolean accepts(Alert alert) {
        return alert.rank() >= minRank();
    }

    HttpDelivery.Result deliver(Alert alert);
}
