package dev.lakead.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.lakead.LakeadException;

import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * All job settings, layered: built-in defaults (conf/lakead-defaults.conf) &lt; a config file (any file system, see
 * {@link ConfigLocation}) &lt; Spark properties {@code spark.lakead.<key>} &lt; overrides.
 * Keys are given without the "lakead." prefix. Every error names the setting at fault.
 */
public final class Settings implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ROOT = "lakead";
    public static final String DEFAULTS_RESOURCE = "lakead-defaults.conf";
    /** Spark properties with this prefix are settings: {@code spark.lakead.train.epochs} is train.epochs. */
    public static final String SPARK_PROPERTY_PREFIX = "spark." + ROOT + ".";

    private final Config config;

    private Settings(Config config) {
        this.config = config;
    }

    public static Settings defaults() {
        return new Settings(loadDefaults());
    }

    /**
     * @param configFile optional HOCON file (null for none)
     * @param overrides  key=value pairs; a value for a list setting may be comma separated
     */
    public static Settings load(File configFile, Map<String, String> overrides) {
        return load(List.of(), configFile == null ? null : ConfigLocation.local(configFile), overrides);
    }

    /**
     * @param presetResources classpath HOCON files layered between the defaults and the config file (e.g. the
     *                        demo's settings), later ones winning
     * @param configFile      the parsed --config file (null for none), see {@link ConfigLocation}
     */
    public static Settings load(List<String> presetResources, ConfigLocation.ConfigFile configFile,
                                Map<String, String> overrides) {
        Config defaults = loadDefaults();
        Config merged = defaults;
        for (String presetResource : presetResources) {
            Config preset = ConfigFactory.parseResources(Settings.class.getClassLoader(), presetResource,
                    ConfigParseOptions.defaults().setAllowMissing(false));
            checkKnownKeys(preset, defaults, "resource " + presetResource);
            merged = preset.withFallback(merged);
        }
        if (configFile != null) {
            checkKnownKeys(configFile.config(), defaults, "config file " + configFile.location());
            merged = configFile.config().withFallback(merged);
        }
        Config resolved;
        try {
            resolved = merged.resolve();
        } catch (ConfigException e) {
            throw new LakeadException("Settings cannot be resolved: " + e.getMessage(), e);
        }
        Settings settings = new Settings(resolved);
        return overrides == null || overrides.isEmpty() ? settings : settings.with(overrides);
    }

    /** A copy with the given key=value overrides applied (keys without the lakead. prefix). */
    public Settings with(Map<String, String> overrides) {
        Config result = config;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String path = ROOT + "." + e.getKey();
            if (e.getKey().startsWith("spark.conf.")) {
                // free-form Spark setting: keep its dotted name as one quoted key under spark.conf
                String sparkKey = e.getKey().substring("spark.conf.".length());
                result = result.withValue(ROOT + ".spark.conf.\"" + sparkKey + "\"",
                        ConfigValueFactory.fromAnyRef(e.getValue()));
                continue;
            }
            if (!result.hasPathOrNull(path)) {
                throw new LakeadException("Unknown setting '" + e.getKey() + "'" + suggestion(e.getKey()));
            }
            result = result.withValue(path, parseOverride(result.getValue(path), e.getValue()));
        }
        return new Settings(result);
    }

    /**
     * A copy with the settings given as Spark properties applied: {@code spark.lakead.<key>=value} (for example
     * {@code spark-submit --conf spark.lakead.train.epochs=30}) sets {@code <key>}. Other properties are ignored.
     * An unknown key is named as the user wrote it.
     */
    public Settings withSparkProperties(Map<String, String> sparkProperties) {
        Settings result = this;
        for (Map.Entry<String, String> e : sparkProperties.entrySet()) {
            if (!e.getKey().startsWith(SPARK_PROPERTY_PREFIX)) {
                continue;
            }
            String key = e.getKey().substring(SPARK_PROPERTY_PREFIX.length());
            try {
                result = result.with(Map.of(key, e.getValue()));
            } catch (LakeadException bad) {
                throw new LakeadException(bad.getMessage() + " (from --conf " + e.getKey() + ")", bad);
            }
        }
        return result;
    }

    /** Convenience: with(Map.of(key, value)) keeping order for several pairs. */
    public Settings with(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return with(map);
    }

    public String string(String key) {
        try {
            return config.getString(path(key));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public int integer(String key) {
        try {
            return config.getInt(path(key));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public int positiveInt(String key) {
        int v = integer(key);
        if (v <= 0) {
            throw new LakeadException("Setting '" + key + "' must be a positive integer, got " + v);
        }
        return v;
    }

    public long longValue(String key) {
        try {
            return config.getLong(path(key));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public double number(String key) {
        try {
            return config.getDouble(path(key));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public boolean bool(String key) {
        try {
            return config.getBoolean(path(key));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public List<String> strings(String key) {
        try {
            return List.copyOf(config.getStringList(path(key)));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    public List<Integer> integers(String key) {
        try {
            return List.copyOf(config.getIntList(path(key)));
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    /** A duration such as "90s", "15m", "1h", "7d" (HOCON duration syntax; a bare number is milliseconds). */
    public java.time.Duration duration(String key) {
        try {
            java.time.Duration d = config.getDuration(path(key));
            if (d.isNegative()) {
                throw new LakeadException("Setting '" + key + "' must not be negative, got " + string(key));
            }
            return d;
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    /**
     * A list of objects such as monitor.sinks, each as a flat map of its keys (nested keys dotted) to its values
     * as strings; the caller checks which keys are allowed.
     */
    public List<Map<String, String>> objects(String key) {
        try {
            List<Map<String, String>> out = new ArrayList<>();
            for (Config item : config.getConfigList(path(key))) {
                Map<String, String> m = new LinkedHashMap<>();
                for (Map.Entry<String, ConfigValue> e : item.entrySet()) {
                    Object v = e.getValue().unwrapped();
                    m.put(stripQuotes(e.getKey()), v instanceof List<?> l
                            ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(v));
                }
                out.add(m);
            }
            return out;
        } catch (ConfigException e) {
            throw bad(key, e);
        }
    }

    /** A string setting that must not be empty. */
    public String required(String key) {
        String v = string(key);
        if (v.isBlank()) {
            throw new LakeadException("Setting '" + key + "' is required but empty");
        }
        return v;
    }

    /** One of the allowed values (case-insensitive), returned lower-case. */
    public String choice(String key, String... allowed) {
        String v = string(key).trim().toLowerCase();
        if (!Arrays.asList(allowed).contains(v)) {
            throw new LakeadException("Setting '" + key + "' must be one of " + String.join(", ", allowed)
                    + ", got '" + string(key) + "'");
        }
        return v;
    }

    /** Flat key=value map of a sub-tree such as spark.conf (keys relative to that tree). */
    public Map<String, String> map(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Config sub = config.getConfig(path(key));
            for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
                out.put(stripQuotes(e.getKey()), String.valueOf(e.getValue().unwrapped()));
            }
        } catch (ConfigException e) {
            throw bad(key, e);
        }
        return out;
    }

    /** The whole effective configuration as HOCON, for logs and for the model bundle. */
    public String render() {
        return config.getConfig(ROOT).root().render(
                com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true));
    }

    private static Config loadDefaults() {
        return ConfigFactory.parseResources(Settings.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    }

    private static void checkKnownKeys(Config file, Config defaults, String source) {
        for (Map.Entry<String, ConfigValue> e : file.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(ROOT + ".spark.conf.")) {
                continue; // free-form Spark settings
            }
            if (!defaults.hasPathOrNull(k)) {
                String rel = k.startsWith(ROOT + ".") ? k.substring(ROOT.length() + 1) : k;
                throw new LakeadException("Unknown setting '" + rel + "' in " + source + suggestion(rel));
            }
        }
    }

    private static String suggestion(String key) {
        Config defaults = loadDefaults().getConfig(ROOT);
        String last = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        List<String> close = defaults.entrySet().stream().map(Map.Entry::getKey)
                .filter(k -> k.endsWith("." + last) || editDistance(k, key) <= 2).sorted().collect(Collectors.toList());
        return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
    }

    /** Levenshtein distance, for "did you mean" hints on misspelt keys. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static ConfigValue parseOverride(ConfigValue current, String raw) {
        if (current.valueType() == ConfigValueType.LIST) {
            String body = raw.trim();
            if (body.startsWith("[") && body.endsWith("]")) {
                body = body.substring(1, body.length() - 1);
            }
            List<String> items = new ArrayList<>();
            for (String part : body.split(",")) {
                if (!part.isBlank()) {
                    items.add(unquote(part.trim()));
                }
            }
            return ConfigValueFactory.fromIterable(items);
        }
        // Typesafe Config converts strings to numbers/booleans on read, and reports bad values by key.
        return ConfigValueFactory.fromAnyRef(raw);
    }

    /** A list item written as in HOCON ({@code ["a", "b"]}) or a shell ({@code 'a'}) loses its quotes. */
    private static String unquote(String item) {
        boolean quoted = item.length() >= 2 && (item.charAt(0) == '"' || item.charAt(0) == '\'')
                && item.charAt(item.length() - 1) == item.charAt(0);
        return quoted ? item.substring(1, item.length() - 1) : item;
    }

    private static String stripQuotes(String key) {
        return key.replace("\"", "");
    }

    private static String path(String key) {
        return ROOT + "." + key;
    }

    private static LakeadException bad(String key, ConfigException e) {
        return new LakeadException("Setting '" + key + "' is invalid: " + e.getMessage(), e);
    }
}
