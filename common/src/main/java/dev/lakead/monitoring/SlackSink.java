package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.Locale;

/**
 * Slack incoming webhook: a message with a plain "text" (notifications, old clients) and Block Kit blocks: a header,
 * the keys, score and time as fields, the top features, and a context line with the alert id.
 * Slack answers 200 "ok"; anything else is a failure (429 and 5xx are retried).
 */
public final class SlackSink extends HttpAlertSink {

    public SlackSink(String name, int minRank, URI uri, HttpDelivery http) {
        super(name, minRank, uri, http);
    }

    @Override
    public String type() {
        return "slack";
    }

    /** Slack's mrkdwn needs &, < and > escaped. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String icon(Alert a) {
        return a.severity().equals("critical") || a.severity().equals("error") ? ":red_circle:" : ":warning:";
    }

    public static ObjectNode payload(Alert a) {
        ObjectNode msg = Alert.JSON.createObjectNode();
        msg.put("text", icon(a) + " " + esc(a.title()));
        ArrayNode blocks = msg.putArray("blocks");
        String sev = a.severity().toUpperCase(Locale.ROOT);
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", truncate(a.kind() == Alert.Kind.SUMMARY
                        ? sev + ": " + Alert.count(a.summary().episodes()) + " anomalies (" + a.model() + ")"
                        : sev + " anomaly: " + a.model() + " " + a.modelVersion(), 150));
        if (a.kind() == Alert.Kind.SUMMARY) {
            StringBuilder sb = new StringBuilder(esc(a.title()));
            sb.append("\n*By severity:* ").append(esc(a.summary().episodesBySeverity().toString()))
                    .append("  *Records:* ").append(Alert.count(a.summary().records()));
            int i = 1;
            for (Alert t : a.summary().top()) {
                sb.append('\n').append(i++).append(". ").append(esc(t.line()));
            }
            section(blocks, truncate(sb.toString(), 3000));
        } else {
            ObjectNode fields = blocks.addObject().put("type", "section");
            ArrayNode f = fields.putArray("fields");
            field(f, "*Keys*\n" + esc(Alert.describe(a.keys())));
            field(f, "*Score*\n" + Alert.number(a.score()) + " (threshold " + Alert.number(a.threshold())
                    + (a.ratio() == null ? "" : String.format(Locale.ROOT, ", %.2f×", a.ratio())) + ")");
            field(f, "*Time*\n" + a.time() + (a.anomalies() > 1 ? " – " + a.lastTime() + " (" + a.anomalies()
                    + " records)" : ""));
            if (!a.partition().isEmpty()) {
                field(f, "*Partition*\n" + esc(Alert.describe(a.partition())));
            }
            if (!a.topFeatures().isEmpty()) {
                section(blocks, "*Top contributing features:* " + esc(a.features()));
            }
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "lakead monitor · alert `" + a.id() + "`");
        return msg;
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    private static void field(ArrayNode fields, String mrkdwn) {
        fields.addObject().put("type", "mrkdwn").put("text", truncate(mrkdwn, 2000));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @Override
    byte[] body(Alert alert) {
        return json(payload(alert));
    }

    @Override
    boolean accepted(int status, String answer) {
        return status == 200 && (answer.isBlank() || answer.trim().equals("ok"));
    }
}
