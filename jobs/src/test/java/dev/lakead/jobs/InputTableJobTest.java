package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --input-table on the command line: a table by catalog name, its precedence, and an unknown name. */
class InputTableJobTest {
    @TempDir
    Path dir;

    private String[] catalog() {
        // Spark's in-memory catalog for the session; the Iceberg catalog (hadoop) keeps its tables under catalog.dir
        return new String[]{"--master", "local[1]", "--set", "catalog.type=in-memory",
                "--set", "catalog.dir=" + dir.resolve("catalog")};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anUnknownTableIsOneLineNamingIt() {
        CliRun r = CliRun.of(concat(new String[]{"preprocess", "--input-table", "lake.nope",
                "--output", dir.resolve("prep").toString()}, catalog()));
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals("lakead preprocess: error: Table lake.nope (setting 'input.table') does not exist in the catalog",
                r.err().strip());
        assertFalse(Files.exists(dir.resolve("prep")), "nothing written on error");

        CliRun iceberg = CliRun.of(concat(new String[]{"preprocess", "--input-table", "iceberg.lake.nope",
                "--output", dir.resolve("prep").toString()}, catalog()));
        assertEquals(2, iceberg.exitCode(), iceberg.out() + iceberg.err());
        assertEquals("lakead preprocess: error: Table iceberg.lake.nope (setting 'input.table') does not exist in the"
                + " catalog", iceberg.err().strip());
    }

    @Test
    void preprocessReadsAnIcebergTableByNameWithTheFilter() {
        CliRun create = CliRun.of(concat(new String[]{"sql", "CREATE NAMESPACE IF NOT EXISTS iceberg.lake; CREATE TABLE"
                + " iceberg.lake.readings USING iceberg PARTITIONED BY (dt) AS SELECT id AS record_id,"
                + " CAST(id % 7 AS DOUBLE) AS a, CAST(id % 5 AS DOUBLE) AS b,"
                + " CAST(date_add(DATE'2026-11-01', CAST(id % 2 AS INT)) AS STRING) AS dt FROM range(100)"},
                catalog()));
        assertEquals(0, create.exitCode(), create.out() + create.err());

        CliRun r = CliRun.of(concat(new String[]{"preprocess", "--input-table", "iceberg.lake.readings",
                "--where", "dt = '2026-11-02'", "--output", dir.resolve("prep").toString()}, catalog()));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("features (2): [a, b]"), r.out());
        assertTrue(r.out().contains("rows: input 50, excluded 0 (all features missing), training 50"), r.out());
    }

    @Test
    void theFlagWinsOverTheSettingAndEitherInputWillDo() {
        CliRun r = CliRun.of("preprocess", "--dry-run", "--set", "input.table=lake.from_set", "--input-table",
                "lake.from_flag", "--output", dir.resolve("prep").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"lake.from_flag\""), r.out());
        assertFalse(r.out().contains("lake.from_set"), r.out());

        CliRun none = CliRun.of("score", "--dry-run", "--output", dir.resolve("scores").toString());
        assertEquals(2, none.exitCode(), none.out());
        assertTrue(none.err().contains("'input.path' is required") && none.err().contains("--input-table"),
                none.err());
    }
}
