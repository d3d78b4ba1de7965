package dev.lakead;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The lakead version this code was built as (recorded in every model bundle). */
public final class CodeVersion {
    private static final String VERSION = load();

    private CodeVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = CodeVersion.class.getResourceAsStream("/lakead-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
