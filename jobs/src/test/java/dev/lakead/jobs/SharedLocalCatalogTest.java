package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local catalog (catalog.type hive-derby, auto's choice for a local master) shared by several local jobs at
 * once, each in its own JVM as the launcher starts them: embedded Derby let only the first one in ("Unable to
 * instantiate SessionHiveMetaStoreClient" for the second).
 */
class SharedLocalCatalogTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** scripts/lakead with a local master, in the background; output in dir/NAME.out and .err. */
    private Process launch(String name, int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/lakead").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--master", "local[1]", "--set", "catalog.dir=" + dir.resolve("metastore"),
                "--set", "catalog.port=" + port));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("LAKEAD_NO_BUILD", "1");
        pb.environment().put("LAKEAD_JAVA_OPTS", "-Xmx768m");
        return pb.start();
    }

    private String output(String name, String kind) throws IOException {
        return Files.readString(dir.resolve(name + "." + kind));
    }

    private void assertSucceeded(String name, Process p) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " finished");
        assertEquals(0, p.exitValue(), name + ":\n" + output(name, "out") + output(name, "err"));
    }

    @Test
    void twoLocalJobsUseTheCatalogAtOnce() throws Exception {
        int port = freePort();
        // each registers a table, then holds its session (and so its metastore connection) open for a while
        String hold = "SELECT reflect('java.lang.Thread', 'sleep', 10000L)";
        Process a = launch("a", port, "sql", "CREATE TABLE readings_a (x INT) USING parquet LOCATION '"
                + dir.resolve("a") + "'; " + hold);
        Process b = launch("b", port, "sql", "CREATE TABLE readings_b (x INT) USING parquet LOCATION '"
                + dir.resolve("b") + "'; " + hold);
        assertSucceeded("a", a);
        assertSucceeded("b", b);
        for (String name : List.of("a", "b")) {
            assertFalse(output(name, "err").contains("SessionHiveMetaStoreClient"), output(name, "err"));
        }
        // a later job sees both tables in the one catalog
        Process c = launch("c", port, "sql", "SHOW TABLES");
        assertSucceeded("c", c);
        assertTrue(output("c", "out").contains("readings_a") && output("c", "out").contains("readings_b"),
                output("c", "out"));
    }

    @Test
    void aCatalogThatCannotBeReachedIsOneLineSayingWhatToDo() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread squatter = new Thread(() -> { // another program on the port: accepts and hangs up
                while (!other.isClosed()) {
                    try (Socket s = other.accept()) {
                        s.getOutputStream().write("HTTP/1.0 400\r\n\r\n".getBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            squatter.setDaemon(true);
            squatter.start();
            Process p = launch("blocked", other.getLocalPort(), "sql", "SHOW TABLES");
            assertTrue(p.waitFor(3, TimeUnit.MINUTES));
            String err = output("blocked", "err").strip();
            assertEquals(2, p.exitValue(), err);
            String last = err.lines().reduce((x, y) -> y).orElse("");
            assertTrue(last.startsWith("lakead sql: error: Cannot reach the local catalog"), err);
            assertTrue(last.contains("catalog.port") && last.contains("in-memory"), last);
            assertFalse(err.contains("\tat "), err);
        }
    }
}
