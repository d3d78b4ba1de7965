package dev.lakead.io;

import dev.lakead.LakeadException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The local catalog that several local jobs share (catalog.type hive-derby): the Hive metastore database under
 * catalog.dir, served by {@link LocalCatalogServer} on 127.0.0.1:catalog.port, which the first job that needs it
 * starts and which stops once no job uses it. Jobs register their process id with the server and start it under a
 * machine-wide file lock, so two jobs starting together start one server. The first job on a new catalog.dir creates
 * the metastore's tables under that lock too (two creating them at once would collide).
 */
public final class LocalCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCatalog.class);
    private static final long START_TIMEOUT_MILLIS = 60_000;

    private LocalCatalog() {
    }

    /** Derby's network server and client are on the classpath (a local build; not the cluster jar). */
    public static boolean available() {
        try {
            Class.forName("org.apache.derby.drda.NetworkServerControl");
            Class.forName("org.apache.derby.jdbc.ClientDriver");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The folder of the server on this port: its lock, the registered jobs and its log. */
    static File home(int port) {
        return new File(System.getProperty("java.io.tmpdir"), "lakead-catalog-" + System.getProperty("user.name")
                + "-" + port);
    }

    /**
     * Registers this JVM with the server on the port, starting the server if none answers, and returns the JDBC URL
     * of the metastore database under dir (an absolute local folder).
     */
    public static String connect(String dir, int port) {
        File home = home(port);
        try {
            Files.createDirectories(new File(home, LocalCatalogServer.CLIENTS).toPath());
            LocalCatalogServer.touch(new File(new File(home, LocalCatalogServer.CLIENTS),
                    String.valueOf(ProcessHandle.current().pid())));
            withLock(home, () -> {
                if (!LocalCatalogServer.answers(port)) {
                    start(home, port);
                }
                return null;
            });
        } catch (IOException e) {
            throw unreachable(port, home, e.getMessage());
        }
        return "jdbc:derby://127.0.0.1:" + port + "/" + dir + "/metastore_db;create=true";
    }

    /** The JDBC driver of {@link #connect}'s URL. */
    public static String driver() {
        return "org.apache.derby.jdbc.ClientDriver";
    }

    /**
     * Opens the session's metastore now when the catalog folder has no database yet, so that the first jobs on it
     * create its tables one after the other (the lock); later jobs open it when they first use it.
     */
    public static void initialize(SparkSession session, String dir, int port) {
        if (new File(dir, "metastore_db").exists()) {
            return;
        }
        try {
            withLock(home(port), () -> session.sharedState().externalCatalog().databaseExists("default"));
        } catch (IOException | RuntimeException e) {
            throw unreachable(port, home(port), rootMessage(e));
        }
    }

    private static void start(File home, int port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-Xmx256m", "-Dderby.system.home=" + home.getAbsolutePath(), "-cp", String.join(File.pathSeparator,
                        location(LocalCatalogServer.class), location(org.apache.derby.drda.NetworkServerControl.class),
                        location(loadClass("org.apache.derby.jdbc.EmbeddedDriver"))),
                LocalCatalogServer.class.getName(), String.valueOf(port), home.getAbsolutePath()));
        File log = new File(home, "server.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        p.getOutputStream().close();
        LOG.info("Started the local catalog's Derby network server on 127.0.0.1:{} (pid {}, log {})", port, p.pid(),
                log);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!LocalCatalogServer.answers(port)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroy();
                throw unreachable(port, home, "the server did not start: " + LocalCatalogServer.lastLine(log) + " (" + log + ")");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(port, home, "interrupted");
            }
        }
    }

    private static LakeadException unreachable(int port, File home, String why) {
        return new LakeadException("Cannot reach the local catalog (catalog.type hive-derby: a Derby network server"
                + " on 127.0.0.1:" + port + ", setting 'catalog.port'): " + why + ". Set catalog.port to a free port,"
                + " look at " + new File(home, "server.log") + ", or set catalog.type to in-memory");
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /** One holder per JVM (FileLock is per process) and per machine (the lock file). */
    private static synchronized <T> T withLock(File home, Locked<T> body) throws IOException {
        Files.createDirectories(home.toPath());
        try (RandomAccessFile f = new RandomAccessFile(new File(home, LocalCatalogServer.LOCK), "rw");
             FileLock ignored = f.getChannel().lock()) {
            return body.run();
        }
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String location(Class<?> c) {
        try {
            return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.strip().lines().findFirst().orElse("");
    }
}
