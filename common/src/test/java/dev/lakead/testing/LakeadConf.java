package dev.lakead.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lakead.conf for jobs run from the command line in a test: the input table and every output (prepared features,
 * models, scores, report, drift table and summary, catalog) under one folder, the score table unregistered. Tests
 * set what they are about (features, network, training) with {@link #set} and pass the written file as --config.
 * Part of lakead-common's test fixture (common/pom.xml).
 */
public final class LakeadConf {
    private final Path dir;
    private final Map<String, String> values = new LinkedHashMap<>();

    private LakeadConf(Path dir) {
        this.dir = dir;
    }

    /** Settings for a CSV table {@code csv}, outputs under {@code dir}, a model named "readings". */
    public static LakeadConf forCsv(Path dir, Path csv) {
        return new LakeadConf(dir)
                .file("input.path", csv)
                .set("input.format", "csv")
                .set("prepared.path", quoted(dir.resolve("prepared")))
                .set("model.root", quoted(dir.resolve("models")))
                .set("model.name", "readings")
                .set("score.output-path", quoted(dir.resolve("scores")))
                .set("score.table-name", "\"\"")
                .set("evaluate.output-dir", quoted(dir.resolve("report")))
                .set("drift.output-path", quoted(dir.resolve("drift")))
                .set("drift.summary-path", quoted(dir.resolve("drift-summary.json")))
                .set("catalog.dir", quoted(dir.resolve("metastore")));
    }

    /** One setting, its value in HOCON ({@code [a, b]}, {@code 2}, {@code "text"}); a later call replaces it. */
    public LakeadConf set(String key, String hocon) {
        values.put(key, hocon);
        return this;
    }

    /** A setting whose value is a path under the folder. */
    public LakeadConf path(String key, String name) {
        return file(key, dir.resolve(name));
    }

    /** A setting whose value is a path. */
    public LakeadConf file(String key, Path path) {
        return set(key, quoted(path));
    }

    /** Writes {@code <dir>/lakead.conf} and returns its path. */
    public String write() {
        List<String> lines = new ArrayList<>(List.of("lakead {"));
        values.forEach((k, v) -> lines.add("  " + k + " = " + v));
        lines.add("}");
        Path file = dir.resolve("lakead.conf");
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }

    private static String quoted(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
