package dev.lakead.monitoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes every known secret value (and, for URLs, their path and query, which often carry the token) from a
 * text before it is logged or put in an exception message.
 */
public final class Redactor {
    private final List<String> secrets = new ArrayList<>();

    public synchronized void add(String secret) {
        if (secret == null || secret.length() < 4) {
            return;
        }
        secrets.add(secret);
        // URLs appear encoded or partially in library messages: also hide the part after the host
        int scheme = secret.indexOf("://");
        if (scheme > 0) {
            int slash = secret.indexOf('/', scheme + 3);
            if (slash > 0 && slash < secret.length() - 1) {
                secrets.add(secret.substring(slash));
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
    }

    public synchronized String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }
}
