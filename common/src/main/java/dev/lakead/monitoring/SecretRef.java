package dev.lakead.monitoring;

import dev.lakead.LakeadException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a secret (a webhook URL, a routing key) comes from: {@code env:VAR} (an environment variable) or
 * {@code file:/path} (a file, trimmed). Settings only ever hold the reference; the value is read when the job
 * starts and its {@link Secret} never prints itself.
 */
public record SecretRef(String kind, String name) {

    public static boolean isReference(String raw) {
        return raw != null && (raw.startsWith("env:") || raw.startsWith("file:"));
    }

    public static SecretRef parse(String raw, String setting) {
        if (!isReference(raw) || raw.indexOf(':') == raw.length() - 1) {
            throw new LakeadException("Setting '" + setting + "' must be a secret reference, env:VARIABLE or"
                    + " file:/path/to/file (the value itself is never put in a config file)");
        }
        int colon = raw.indexOf(':');
        return new SecretRef(raw.substring(0, colon), raw.substring(colon + 1).trim());
    }

    /** Reads the value; fails naming the setting and the reference (never a value) when it is missing or empty. */
    public Secret resolve(Function<String, String> environment, String setting) {
        String value;
        if ("env".equals(kind)) {
            value = environment.apply(name);
            if (value == null || value.isBlank()) {
                throw new LakeadException("Setting '" + setting + "': environment variable " + name
                        + " is not set or empty");
            }
        } else {
            try {
                value = Files.readString(Path.of(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LakeadException("Setting '" + setting + "': cannot read secret file " + name + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (value.isBlank()) {
                throw new LakeadException("Setting '" + setting + "': secret file " + name + " is empty");
            }
        }
        return new Secret(value.trim(), this);
    }

    @Override
    public String toString() {
        return kind + ":" + name;
    }

    /** A secret value; toString shows only where it came from. */
    public static final class Secret {
        private final String value;
        private final SecretRef ref;

        public Secret(String value, SecretRef ref) {
            this.value = value;
            this.ref = ref;
        }

        public String reveal() {
            return value;
        }

        @Override
        public String toString() {
            return "secret(" + ref + ")";
        }
    }
}
