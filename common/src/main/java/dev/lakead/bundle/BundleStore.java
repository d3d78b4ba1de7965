package dev.lakead.bundle;

import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where bundles live (setting {@code model.root}): {@code <root>/<name>/v1, v2, ...} and, next to the versions,
 * {@value ModelBundle#CHAMPION}, the promoted one with the history of earlier champions. Finds bundles, numbers new
 * versions, promotes and rolls back; a {@link ModelBundle} is one version's contents.
 */
public final class BundleStore {
    private static final Pattern VERSION = Pattern.compile("v(\\d+)");

    private final HadoopFiles files;
    private final String root;

    public BundleStore(HadoopFiles files, String root) {
        this.files = files;
        this.root = root;
    }

    /** The directory of version {@code version} of {@code name}. */
    public String path(String name, String version) {
        return root + "/" + name + "/" + version;
    }

    /**
     * Directory of a bundle: the given version; when version is blank, the promoted champion (champion.json) if
     * there is one, else the highest vN under root/name.
     */
    public String locate(String name, String version) {
        if (version != null && !version.isBlank()) {
            return path(name, version);
        }
        Map<String, Object> champion = champion(name);
        if (champion != null) {
            return path(name, String.valueOf(champion.get("version")));
        }
        return latest(name);
    }

    /** The highest vN under root/name. */
    public String latest(String name) {
        String base = root + "/" + name;
        int latest = latestVersion(base);
        if (latest == 0) {
            throw new LakeadException("No model bundle under " + base + " (settings 'model.root' and 'model.name')");
        }
        return base + "/v" + latest;
    }

    /** The version a new training run writes: the given one, or v(N+1). */
    public String nextVersion(String name, String version) {
        if (version != null && !version.isBlank()) {
            return version;
        }
        return "v" + (latestVersion(root + "/" + name) + 1);
    }

    private int latestVersion(String base) {
        int latest = 0;
        for (String child : files.childDirectories(base)) {
            Matcher m = VERSION.matcher(child);
            if (m.matches()) {
                latest = Math.max(latest, Integer.parseInt(m.group(1)));
            }
        }
        return latest;
    }

    /** The promoted champion of root/name (champion.json: version, metric, history), or null. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> champion(String name) {
        String path = championPath(name);
        if (!files.exists(path)) {
            return null;
        }
        try {
            return BundleCodec.JSON.readValue(files.readString(path), Map.class);
        } catch (IOException e) {
            throw new LakeadException(path + " is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code bundle} the champion of {@code name}, recording the metric it won with; the champion it replaces
     * goes first in the history.
     */
    public void promote(String name, ModelBundle bundle, String metric, double value, boolean forced) {
        Map<String, Object> current = champion(name);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("version", bundle.version());
        record.put("path", bundle.path());
        record.put("metric", metric);
        record.put("metric_value", value);
        record.put("promoted_at", Instant.now().toString());
        record.put("forced", forced);
        List<Object> history = new ArrayList<>();
        if (current != null) {
            Map<String, Object> previous = new LinkedHashMap<>(current);
            previous.remove("history");
            history.add(previous);
            Object older = current.get("history");
            if (older instanceof List<?> l) {
                history.addAll(l);
            }
        }
        record.put("history", history);
        writeChampion(name, record);
    }

    /** Makes the previous champion of {@code name} the champion again; returns its directory. */
    @SuppressWarnings("unchecked")
    public String rollback(String name) {
        Map<String, Object> current = champion(name);
        List<Object> history = current == null ? List.of() : (List<Object>) current.getOrDefault("history", List.of());
        if (history.isEmpty()) {
            throw new LakeadException("No previous champion of '" + name + "' to roll back to");
        }
        Map<String, Object> previous = new LinkedHashMap<>((Map<String, Object>) history.get(0));
        previous.put("history", history.subList(1, history.size()));
        previous.put("rolled_back_at", Instant.now().toString());
        writeChampion(name, previous);
        return path(name, String.valueOf(previous.get("version")));
    }

    private String championPath(String name) {
        return root + "/" + name + "/" + ModelBundle.CHAMPION;
    }

    private void writeChampion(String name, Map<String, Object> record) {
        String path = championPath(name);
        try {
            files.replaceString(path, BundleCodec.JSON.writeValueAsString(record));
        } catch (IOException e) {
            throw new LakeadException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
