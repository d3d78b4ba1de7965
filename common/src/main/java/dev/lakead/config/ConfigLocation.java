package dev.lakead.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.lakead.LakeadException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a settings file ({@code --config}) is read from, so that a job finds it wherever its driver runs:
 * <ul>
 *   <li>a Hadoop file-system URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code file:/}, …), read through
 *       the driver's Hadoop configuration: the natural choice in cluster deploy mode, where the driver runs on
 *       another node than spark-submit;</li>
 *   <li>a path on the driver's disk (also where YARN puts a file shipped with {@code --files});</li>
 *   <li>the bare name of a file shipped with {@code --files} ({@code spark.files}): read from the URI it was shipped
 *       from (standalone and Kubernetes cluster mode, where nothing is in the working directory before the
 *       SparkContext starts).</li>
 * </ul>
 */
public final class ConfigLocation {
    private ConfigLocation() {
    }

    /** A parsed settings file and the location it came from (named in every error about its content). */
    public record ConfigFile(String location, Config config) {
    }

    /**
     * @param location     what the user gave to --config
     * @param hadoop       the driver's Hadoop configuration (spark.hadoop.* applied)
     * @param shippedFiles the URIs of spark.files (empty when none)
     */
    public static ConfigFile read(String location, Configuration hadoop, List<String> shippedFiles) {
        if (location != null && !hasScheme(location) && new File(location).isFile()) {
            return local(new File(location));
        }
        return new ConfigFile(location, parse(location, readText(location, hadoop, shippedFiles)));
    }

    /** A local file, for callers that have one (tests, the embedded launcher's relative paths). */
    public static ConfigFile local(File file) {
        if (!file.isFile()) {
            throw new LakeadException("Config file " + file + " does not exist");
        }
        try {
            // parseFile keeps HOCON includes relative to the file working
            return new ConfigFile(file.getPath(), ConfigFactory.parseFile(file,
                    ConfigParseOptions.defaults().setAllowMissing(false)));
        } catch (ConfigException e) {
            throw new LakeadException("Config file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The text of a small file given as a URI, a local path or the name of a file shipped with --files. */
    public static String readText(String location, Configuration hadoop, List<String> shippedFiles) {
        if (location == null || location.isBlank()) {
            throw new LakeadException("Config file name is empty");
        }
        if (!hasScheme(location)) {
            File local = new File(location);
            if (local.isFile()) {
                return read(local.toURI().toString(), location, hadoop);
            }
            String shipped = shippedAs(location, shippedFiles);
            if (shipped == null) {
                throw new LakeadException("Config file " + location + " does not exist on the driver"
                        + (shippedFiles.isEmpty() ? "" : " and is not one of the files shipped with --files "
                        + shippedFiles) + "; in cluster deploy mode give its URI (hdfs://, s3a://, file:/…)");
            }
            return read(shipped, location, hadoop);
        }
        return read(location, location, hadoop);
    }

    private static Config parse(String location, String text) {
        try {
            return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(location));
        } catch (ConfigException e) {
            throw new LakeadException("Config file " + location + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** "scheme:" with a scheme of two or more letters (so that C:\ is not a scheme and plain paths are not). */
    public static boolean hasScheme(String location) {
        int colon = location.indexOf(':');
        return colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    /** The shipped URI whose file name is {@code name} (Spark names a shipped file by its last path segment). */
    static String shippedAs(String name, List<String> shippedFiles) {
        if (name.contains("/")) {
            return null;
        }
        for (String uri : shippedFiles) {
            String u = uri.trim();
            String fragment = null;
            int hash = u.indexOf('#'); // YARN's "uri#alias" renames the shipped file
            if (hash >= 0) {
                fragment = u.substring(hash + 1);
                u = u.substring(0, hash);
            }
            String last = u.substring(u.lastIndexOf('/') + 1);
            if (name.equals(fragment) || fragment == null && name.equals(last)) {
                return u.startsWith("local:") ? "file:" + u.substring("local:".length()) : u;
            }
        }
        return null;
    }

    private static String read(String uri, String shownAs, Configuration hadoop) {
        try {
            Path path = new Path(URI.create(uri.replace(" ", "%20")));
            FileSystem fs = path.getFileSystem(hadoop);
            try (InputStream in = fs.open(path)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (FileNotFoundException e) {
            throw new LakeadException("Config file " + shownAs + " does not exist", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new LakeadException("Config file " + shownAs + " cannot be read: " + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
