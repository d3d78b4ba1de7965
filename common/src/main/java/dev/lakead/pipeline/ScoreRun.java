package dev.lakead.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.io.HadoopFiles;
import dev.lakead.io.InputAudit;
import dev.lakead.io.TableReader;
import dev.lakead.thresholds.Threshold;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record of one score run, beside the score table in {@value #DIR}/ (Spark's readers skip names that start
 * with "_"): when, which bundle and threshold, which input, and what the input audit counted and did with the rows it
 * dropped or imputed. One JSON file per run, named by its scored_at, so a partition's rows can be traced to their run.
 * A table without partition columns is overwritten as a whole, and its earlier records with it.
 */
final class ScoreRun {
    static final String DIR = "_lakead_runs";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC); // no ':' (not allowed in Hadoop path names)

    private ScoreRun() {
    }

    /** Writes the record and returns its path. */
    static String write(HadoopFiles files, String table, Instant scoredAt, ModelBundle bundle, Threshold threshold,
                        Settings s, InputAudit.Report audit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scored_at", scoredAt.toString());
        m.put("model_name", bundle.name());
        m.put("model_version", bundle.version());
        m.put("bundle", bundle.path());
        m.put("threshold", threshold.describe());
        m.put("threshold_version", bundle.thresholdVersion());
        m.put("input_path", audit.path());
        m.put("input_where", TableReader.where(s));
        m.put("input_audit", audit.toMap());
        String path = table.replaceAll("/+$", "") + "/" + DIR + "/" + NAME.format(scoredAt) + "-" + bundle.name()
                + "-" + bundle.version() + ".json";
        try {
            files.replaceString(path, JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return path;
    }
}
