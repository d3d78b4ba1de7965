package dev.lakead.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@value #FILE}: every file of a bundle (network, preprocessing, thresholds, metadata) with its size and SHA-256.
 * Written last, before the bundle is renamed into place, and updated when a threshold version is added; verified
 * before anything of the bundle is used, so that a missing, truncated, altered or foreign file stops a job with one
 * line naming it instead of a failure deep inside Spark or ND4J. A bundle written before manifests existed loads
 * with a warning.
 */
public final class BundleManifest {
    private static final Logger LOG = LoggerFactory.getLogger(BundleManifest.class);
    public static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleManifest() {
    }

    /** One file's size and checksum. */
    record Entry(long size, String sha256) {
    }

    /** Lists and checksums every file under {@code dir} and writes the manifest next to them. */
    static void write(HadoopFiles files, String dir) {
        Map<String, Entry> entries = new TreeMap<>();
        files.filesUnder(dir).forEach((rel, size) -> {
            if (!rel.equals(FILE)) {
                entries.put(rel, new Entry(size, files.sha256(dir + "/" + rel)));
            }
        });
        save(files, dir, entries, false);
    }

    /** Re-checksums the given files (added or rewritten) in an existing manifest; a bundle without one is left so. */
    static void update(HadoopFiles files, String dir, Collection<String> changed) {
        Map<String, Entry> entries = read(files, dir);
        if (entries == null) {
            return;
        }
        for (String rel : changed) {
            entries.put(rel, new Entry(files.filesUnder(dir).getOrDefault(rel, -1L), files.sha256(dir + "/" + rel)));
        }
        save(files, dir, entries, true);
    }

    /**
     * Checks the bundle against its manifest: every listed file present with its size and checksum, and no file that
     * is not listed. Returns false (after a warning) for a bundle that has no manifest.
     */
    public static boolean verify(HadoopFiles files, String dir) {
        Map<String, Entry> expected = read(files, dir);
        if (expected == null) {
            LOG.warn("Model bundle {} has no {} (written before bundles carried one): its files are not verified;"
                    + " retrain it to get one", dir, FILE);
            return false;
        }
        SortedMap<String, Long> present = files.filesUnder(dir);
        for (Map.Entry<String, Entry> e : expected.entrySet()) {
            String rel = e.getKey();
            Long size = present.get(rel);
            if (size == null) {
                throw new LakeadException("Model bundle " + dir + " is damaged: " + rel + " is missing");
            }
            if (size != e.getValue().size()) {
                throw new LakeadException("Model bundle " + dir + " is damaged: " + rel + " has " + size
                        + " bytes, the manifest says " + e.getValue().size());
            }
            if (!files.sha256(dir + "/" + rel).equals(e.getValue().sha256())) {
                throw new LakeadException("Model bundle " + dir + " is damaged: " + rel
                        + " does not match its checksum in " + FILE);
            }
        }
        for (String rel : present.keySet()) {
            if (!rel.equals(FILE) && !expected.containsKey(rel)) {
                throw new LakeadException("Model bundle " + dir + " is damaged: " + rel + " is not in its " + FILE);
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Entry> read(HadoopFiles files, String dir) {
        String path = dir + "/" + FILE;
        if (!files.exists(path)) {
            return null;
        }
        try {
            Map<String, Object> json = JSON.readValue(files.readString(path), Map.class);
            Map<String, Entry> entries = new TreeMap<>();
            ((Map<String, Map<String, Object>>) json.get("files")).forEach((rel, e) -> entries.put(rel,
                    new Entry(((Number) e.get("size")).longValue(), (String) e.get("sha256"))));
            return entries;
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Model bundle " + dir + " is damaged: " + FILE + " cannot be read ("
                    + e.getMessage() + ")");
        }
    }

    private static void save(HadoopFiles files, String dir, Map<String, Entry> entries, boolean replace) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("algorithm", "SHA-256");
        Map<String, Object> list = new LinkedHashMap<>();
        entries.forEach((rel, e) -> list.put(rel, Map.of("size", e.size(), "sha256", e.sha256())));
        json.put("files", list);
        try {
            String text = JSON.writeValueAsString(json);
            if (replace) {
                files.replaceString(dir + "/" + FILE, text);
            } else {
                files.writeString(dir + "/" + FILE, text);
            }
        } catch (IOException e) {
            throw new LakeadException("Cannot write " + dir + "/" + FILE + ": " + e.getMessage(), e);
        }
    }
}
