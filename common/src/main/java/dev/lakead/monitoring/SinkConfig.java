package dev.lakead.monitoring;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One entry of monitor.sinks as written in the settings (secret references, not values). {@link #parse} checks
 * everything that can be checked without the secrets (so --dry-run catches mistakes); {@link #build} reads the
 * secrets and makes the sink.
 */
public record SinkConfig(String setting, String name, String type, String url, String routingKey, String authHeader,
                         int minRank) {
    private static final Set<String> KEYS = Set.of("name", "type", "url", "routing-key", "auth-header", "min-level");

    public static List<SinkConfig> parse(Settings s, SeverityLadder ladder) {
        List<SinkConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Map<String, String>> items = s.objects("monitor.sinks");
        for (int i = 0; i < items.size(); i++) {
            Map<String, String> m = items.get(i);
            String at = "monitor.sinks[" + i + "]";
            for (String k : m.keySet()) {
                if (!KEYS.contains(k)) {
                    throw new LakeadException("Unknown setting '" + at + "." + k + "'; a sink takes "
                            + KEYS.stream().sorted().toList());
                }
            }
            String name = m.getOrDefault("name", "").trim();
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                throw new LakeadException("Setting '" + at + ".name' must be a name of lower-case letters, digits, -"
                        + " or _, got '" + name + "'");
            }
            if (!names.add(name)) {
                throw new LakeadException("Setting '" + at + ".name': sink name '" + name + "' is used twice");
            }
            String type = m.getOrDefault("type", "").trim().toLowerCase();
            String url = m.getOrDefault("url", "").trim();
            String routingKey = m.getOrDefault("routing-key", "").trim();
            String auth = m.getOrDefault("auth-header", "").trim();
            switch (type) {
                case "webhook" -> {
                    requireUrl(at, url, false);
                    forbid(at, "routing-key", routingKey, type);
                }
                case "slack" -> {
                    requireUrl(at, url, true);
                    forbid(at, "routing-key", routingKey, type);
                    forbid(at, "auth-header", auth, type);
                }
                case "pagerduty" -> {
                    if (!url.isEmpty()) {
                        requireUrl(at, url, false);
                    }
                    if (routingKey.isEmpty()) {
                        throw new LakeadException("Setting '" + at + ".routing-key' is required for a pagerduty sink"
                                + " (env:VARIABLE or file:/path)");
                    }
                    SecretRef.parse(routingKey, at + ".routing-key");
                    forbid(at, "auth-header", auth, type);
                }
                default -> throw new LakeadException("Setting '" + at + ".type' must be one of webhook, slack,"
                        + " pagerduty, got '" + m.getOrDefault("type", "") + "'");
            }
            if (!auth.isEmpty()) {
                SecretRef.parse(auth, at + ".auth-header");
            }
            String minLevel = m.getOrDefault("min-level", "").trim();
            int minRank = minLevel.isEmpty() ? 0 : ladder.byName(minLevel, at + ".min-level").rank();
            out.add(new SinkConfig(at, name, type, url, routingKey, auth, minRank));
        }
        return out;
    }

    private static void requireUrl(String at, String url, boolean secretOnly) {
        if (url.isEmpty()) {
            throw new LakeadException("Setting '" + at + ".url' is required (env:VARIABLE or file:/path"
                    + (secretOnly ? "" : ", or the URL") + ")");
        }
        if (SecretRef.isReference(url)) {
            SecretRef.parse(url, at + ".url");
        } else if (secretOnly) {
            // the value is a secret: do not echo it
            throw new LakeadException("Setting '" + at + ".url': a Slack webhook URL is a secret; give it as"
                    + " env:VARIABLE or file:/path, never in a config file");
        } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new LakeadException("Setting '" + at + ".url' must be an http(s) URL, env:VARIABLE or file:/path");
        }
    }

    private static void forbid(String at, String key, String value, String type) {
        if (!value.isEmpty()) {
            throw new LakeadException("Setting '" + at + "." + key + "' does not apply to a " + type + " sink");
        }
    }

    /** Reads the secrets (registering them with the redactor) and makes the sink. */
    public AlertSink build(Function<String, String> environment, Redactor redactor, HttpDelivery http,
                           SeverityLadder ladder) {
        switch (type) {
            case "webhook" -> {
                URI uri = uri(url, environment, redactor, setting + ".url");
                SecretRef.Secret auth = authHeader.isEmpty() ? null : secret(authHeader, environment, redactor,
                        setting + ".auth-header");
                return new WebhookSink(name, minRank, uri, auth, http);
            }
            case "slack" -> {
                return new SlackSink(name, minRank, uri(url, environment, redactor, setting + ".url"), http);
            }
            case "pagerduty" -> {
                URI uri = uri(url.isEmpty() ? PagerDutySink.EVENTS_URL : url, environment, redactor, setting + ".url");
                return new PagerDutySink(name, minRank, uri, secret(routingKey, environment, redactor,
                        setting + ".routing-key"), ladder, http);
            }
            default -> throw new IllegalStateException(type);
        }
    }

    private static SecretRef.Secret secret(String ref, Function<String, String> env, Redactor redactor, String at) {
        SecretRef.Secret s = SecretRef.parse(ref, at).resolve(env, at);
        redactor.add(s.reveal());
        return s;
    }

    private static URI uri(String value, Function<String, String> env, Redactor redactor, String at) {
        boolean secret = SecretRef.isReference(value);
        String raw = secret ? secret(value, env, redactor, at).reveal() : value;
        try {
            URI uri = new URI(raw);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new java.net.URISyntaxException("(hidden)", "not an http(s) URL with a host");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new LakeadException("Setting '" + at + "'" + (secret ? " (" + value + ")" : "")
                    + " does not hold a valid http(s) URL"); // the value itself may be a secret
        }
    }
}
