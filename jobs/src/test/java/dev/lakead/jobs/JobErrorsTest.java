package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real job runs (each starts and stops its own local Spark) that must stop with one clear error line. */
class JobErrorsTest {
    @TempDir
    Path dir;

    private Path csv(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void nonNumericFeatureColumnIsNamed() throws Exception {
        Path in = csv("in.csv", "id,temp,status\n1,20.5,ok\n2,21.0,ok\n3,19.5,bad\n");
        CliRun r = CliRun.of("preprocess", "--master", "local[1]", "--input", in.toString(), "--format", "csv",
                "--features", "temp,status", "--output", dir.resolve("prep").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("status (string)"), r.err());
        assertFalse(Files.exists(dir.resolve("prep")), "nothing written on error");
    }

    @Test
    void moreMalformedLinesThanTheBoundIsOneLineNamingTheSetting() throws Exception {
        Path in = csv("in.csv", "id,temp,pressure\n1,20.5,1.0\n2,21.0\n3,x,1.2\n4,19.0,1.1\n");
        CliRun r = CliRun.of("preprocess", "--master", "local[1]", "--input", in.toString(), "--format", "csv",
                "--features", "temp,pressure", "--output", dir.resolve("prep").toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().strip().startsWith("lakead preprocess: error: 2 of 4 rows of " + in + " (50.00%) are"
                + " malformed"), r.err());
        assertTrue(r.err().contains("setting 'input.max-malformed-fraction' = 0.01"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(dir.resolve("prep")), "nothing written on error");

        CliRun kept = CliRun.of("preprocess", "--master", "local[1]", "--input", in.toString(), "--format", "csv",
                "--features", "temp,pressure", "--output", dir.resolve("prep").toString(),
                "--set", "input.max-malformed-fraction=0.5", "--malformed", "drop");
        assertEquals(0, kept.exitCode(), kept.out() + kept.err());
        assertTrue(kept.out().contains("input: 4 rows read, 2 malformed, 0 with null/NaN/Inf features"
                + " (values {temp=1, pressure=1}); input.malformed = drop: 2 dropped, 0 imputed, 2 used"), kept.out());
    }

    @Test
    void missingFeatureColumnIsNamed() throws Exception {
        Path in = csv("in.csv", "id,temp\n1,20.5\n2,21.0\n");
        CliRun r = CliRun.of("preprocess", "--master", "local[1]", "--input", in.toString(), "--format", "csv",
                "--features", "temp,pressure", "--output", dir.resolve("prep").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("missing column pressure"), r.err());
    }

    @Test
    void missingInputPathIsNamed() {
        CliRun r = CliRun.of("preprocess", "--master", "local[1]", "--input", dir.resolve("nope").toString(),
                "--output", dir.resolve("prep").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(dir.resolve("nope") + " (setting 'input.path') does not exist"), r.err());
    }

    @Test
    void missingModelBundleIsNamed() throws Exception {
        Path in = csv("in.csv", "id,temp\n1,20.5\n");
        CliRun r = CliRun.of("score", "--master", "local[1]", "--input", in.toString(), "--format", "csv",
                "--model", dir.resolve("models/m/v3").toString(), "--output", dir.resolve("scores").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Model bundle " + dir.resolve("models/m/v3") + " does not exist"), r.err());
        assertFalse(Files.exists(dir.resolve("scores")));
    }

    /**
     * A driver JVM without Java 17's module options (what a standalone Worker launches in cluster deploy mode
     * unless the cluster configured them): one line saying what to add, not SparkContext's IllegalAccessError.
     */
    @Test
    void aDriverWithoutJavaModuleOptionsIsToldWhatToAdd() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        String cp = target.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(target.resolve("classpath.txt")).strip();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", cp, "dev.lakead.jobs.LakeadCli", "sql", "--set", "catalog.type=in-memory",
                "SELECT 1").directory(dir.toFile()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(2, p.waitFor(), out + err);
        String last = err.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("lakead sql: error: This JVM lacks the Java 17 options Spark needs"), err);
        assertTrue(last.contains("conf/java-opts") && last.contains("spark.driver.extraJavaOptions"), last);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    }
}
