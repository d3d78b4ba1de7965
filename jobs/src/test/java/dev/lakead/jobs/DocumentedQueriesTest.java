package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query documented in notebooks/queries.sql (and shown in the README) runs through the sql command against
 * the demo's tables in its persistent (Derby-backed Hive) catalog, from a later session than the one that wrote
 * them, and returns rows.
 */
class DocumentedQueriesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    /** name → query, from the "-- name:" blocks of notebooks/queries.sql. */
    static Map<String, String> documentedQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String[] blocks = Files.readString(ROOT.resolve("notebooks/queries.sql")).split("-- name: ");
        for (int i = 1; i < blocks.length; i++) {
            String name = blocks[i].substring(0, blocks[i].indexOf('\n')).trim();
            String sql = blocks[i].substring(blocks[i].indexOf('\n') + 1).trim();
            out.put(name, sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
        }
        return out;
    }

    @Test
    void everyDocumentedQueryRunsOnTheDemoTables() throws IOException {
        Path work = dir.resolve("demo");
        CliRun demo = CliRun.of("demo", "--master", "local[2]", "--workdir", work.toString(), "--rows-per-day", "800",
                "--days", "3", "--train-days", "2", "--set", "train.epochs=2");
        assertEquals(0, demo.exitCode(), demo.err() + demo.out());
        assertTrue(Files.isDirectory(work.resolve("metastore/metastore_db")), "Derby metastore in the work folder");

        Map<String, String> queries = documentedQueries();
        assertTrue(queries.size() >= 6, "queries: " + queries.keySet());
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (Map.Entry<String, String> q : queries.entrySet()) {
            assertTrue(readme.contains(q.getValue()), "README shows query " + q.getKey());
            CliRun r = CliRun.of("sql", "--master", "local[2]", "--set", "catalog.dir=" + work.resolve("metastore"),
                    q.getValue());
            assertEquals(0, r.exitCode(), q.getKey() + ": " + r.err());
            long dataLines = r.out().lines().filter(l -> l.startsWith("|")).count() - 1; // minus the header
            assertTrue(dataLines >= 1, q.getKey() + " returned no rows:\n" + r.out());
        }
    }

    @Test
    void aBadQueryNamesTheProblem() {
        CliRun r = CliRun.of("sql", "--master", "local[1]", "--set", "catalog.type=in-memory",
                "SELECT nope FROM missing_table");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("missing_table"), r.err());
    }
}
