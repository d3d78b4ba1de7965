package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Durable alert state on any Hadoop file system (local disk, HDFS, S3):
 * <pre>
 *   state-dir/alerts/&lt;id&gt;.json           one per alert: the alert, when it was planned, the sinks it goes to
 *   state-dir/delivered/&lt;id&gt;@&lt;sink&gt;    one per accepted delivery
 *   state-dir/watermark.json              the last scored_at a run has planned alerts for
 * </pre>
 * Alerts are written (atomically: a temporary file renamed into place) before anything is sent, and a delivery
 * marker right after each accepted delivery, so a run that dies midway leaves exactly the undelivered
 * (alert, sink) pairs for the next run. One monitor run at a time per state directory.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final String TMP = "._tmp-";

    /** An alert in the outbox: planned at createdAt as number {@code order} of its run, for these sinks. */
    public record Entry(Alert alert, Instant createdAt, int order, List<String> sinks) {
    }

    private final FileSystem fs;
    private final Path alerts;
    private final Path delivered;
    private final Path watermark;
    private final String dir;

    public Outbox(HadoopFiles files, String dir) {
        this.dir = dir;
        this.fs = files.fs(dir);
        Path root = new Path(dir);
        this.alerts = new Path(root, "alerts");
        this.delivered = new Path(root, "delivered");
        this.watermark = new Path(root, "watermark.json");
        try {
            fs.mkdirs(alerts);
            fs.mkdirs(delivered);
        } catch (IOException e) {
            throw fail("create", e);
        }
    }

    public String dir() {
        return dir;
    }

    /** Every alert in the outbox by id (leftover temporary files of a crashed run are removed). */
    public Map<String, Entry> load() {
        Map<String, Entry> out = new LinkedHashMap<>();
        try {
            for (FileStatus st : fs.listStatus(alerts)) {
                String name = st.getPath().getName();
                if (name.startsWith(TMP)) {
                    fs.delete(st.getPath(), false);
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                try {
                    Entry e = parse(Alert.JSON.readTree(read(st.getPath())));
                    out.put(e.alert().id(), e);
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("Outbox {}: skipping unreadable alert file {} ({})", dir, name, ex.getClass().getSimpleName());
                }
            }
        } catch (IOException e) {
            throw fail("read", e);
        }
        return out;
    }

    /** "id@sink" of every accepted delivery. */
    public Set<String> delivered() {
        Set<String> out = new HashSet<>();
        try {
            for (FileStatus st : fs.listStatus(delivered)) {
                if (!st.getPath().getName().startsWith(TMP)) {
                    out.add(st.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw fail("read", e);
        }
        return out;
    }

    public static String deliveryKey(String alertId, String sink) {
        return alertId + "@" + sink;
    }

    /** Writes an alert unless one with its id is there; returns whether it was written. */
    public boolean add(Entry entry) {
        Path target = new Path(alerts, entry.alert().id() + ".json");
        Path tmp = new Path(alerts, TMP + UUID.randomUUID());
        try {
            if (fs.exists(target)) {
                return false;
            }
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(Alert.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(entry)));
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                if (fs.exists(target)) {
                    return false;
                }
                throw new IOException("rename failed");
            }
            return true;
        } catch (IOException e) {
            throw fail("write", e);
        }
    }

    /** Records an accepted delivery (idempotent). */
    public void markDelivered(String alertId, String sink, Instant at) {
        Path marker = new Path(delivered, deliveryKey(alertId, sink));
        try (OutputStream out = fs.create(marker, false)) {
            out.write(at.toString().getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            // delivered before: nothing to do
        } catch (IOException e) {
            if (!exists(marker)) {
                throw fail("write", e);
            }
        }
    }

    /** Forgets alerts planned before the given time, with their delivery markers; returns how many. */
    public int prune(Map<String, Entry> entries, Instant before) {
        int n = 0;
        try {
            Set<String> gone = new HashSet<>();
            for (Entry e : entries.values()) {
                if (e.createdAt().isBefore(before)) {
                    fs.delete(new Path(alerts, e.alert().id() + ".json"), false);
                    gone.add(e.alert().id());
                    n++;
                }
            }
            if (!gone.isEmpty()) {
                for (FileStatus st : fs.listStatus(delivered)) {
                    String name = st.getPath().getName();
                    int at = name.lastIndexOf('@');
                    if (at > 0 && gone.contains(name.substring(0, at))) {
                        fs.delete(st.getPath(), false);
                    }
                }
                entries.keySet().removeAll(gone);
            }
        } catch (IOException e) {
            throw fail("prune", e);
        }
        return n;
    }

    public Optional<Instant> watermark() {
        try {
            if (!fs.exists(watermark)) {
                return Optional.empty();
            }
            return Optional.of(Instant.parse(Alert.JSON.readTree(read(watermark)).get("scored_at").asText()));
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Monitor state " + dir + ": cannot read " + watermark.getName() + " ("
                    + e.getMessage() + "); delete it to examine the whole score table again", e);
        }
    }

    public void setWatermark(Instant scoredAt) {
        ObjectNode n = Alert.JSON.createObjectNode().put("scored_at", scoredAt.toString());
        Path tmp = new Path(watermark.getParent(), TMP + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(Alert.JSON.writeValueAsBytes(n));
            }
            // in one step on HDFS: a crash between a delete and a rename would lose the watermark
            HadoopFiles.renameOver(fs, tmp, watermark);
        } catch (IOException e) {
            throw fail("write", e);
        }
    }

    private boolean exists(Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private byte[] read(Path p) throws IOException {
        try (var in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    private static ObjectNode toJson(Entry e) {
        ObjectNode n = Alert.JSON.createObjectNode();
        n.put("created_at", e.createdAt().toString());
        n.put("order", e.order());
        ArrayNode sinks = n.putArray("sinks");
        e.sinks().forEach(sinks::add);
        n.set("alert", e.alert().toJson());
        return n;
    }

    private static Entry parse(JsonNode n) {
        List<String> sinks = new ArrayList<>();
        n.get("sinks").forEach(s -> sinks.add(s.asText()));
        return new Entry(Alert.fromJson(n.get("alert")), Instant.parse(n.get("created_at").asText()),
                n.path("order").asInt(0), sinks);
    }

    private LakeadException fail(String what, IOException e) {
        return new LakeadException("Monitor state " + dir + " (setting 'monitor.state-dir'): cannot " + what + ": "
                + e.getMessage(), e);
    }
}
