package dev.lakead.io;

import org.apache.derby.drda.NetworkServerControl;

import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.channels.FileLock;
import java.util.List;
import java.util.Optional;

/**
 * The process that serves the local catalog (catalog.type hive-derby) to every local job on this machine: Derby's
 * network server on the loopback interface, so that several JVMs open the same metastore database, which embedded
 * Derby allows to one JVM only. {@link LocalCatalog} starts it on demand; it stops by itself once no job that
 * registered with it has been alive for {@link #IDLE_MILLIS}, so nobody has to start or stop it. Its classpath is
 * this class and Derby's jars only (no Spark, no logging library): it uses nothing else of lakead.
 */
public final class LocalCatalogServer {
    static final long IDLE_MILLIS = 30_000;
    static final String LOCK = "start.lock";
    static final String CLIENTS = "clients";
    private static final long CHECK_MILLIS = 2_000;

    private LocalCatalogServer() {
    }

    /** Arguments: port, home folder (lock, client registrations, log). */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        File home = new File(args[1]);
        NetworkServerControl server = new NetworkServerControl(InetAddress.getLoopbackAddress(), port);
        File log = new File(home, "server.log");
        server.start(new PrintWriter(new FileWriter(log, true), true));
        for (int i = 0; !answers(port); i++) { // start() returns at once; a port in use shows only in the log
            if (i == 150) {
                System.out.println("lakead catalog server: no answer on 127.0.0.1:" + port + ": " + lastLine(log));
                System.exit(1);
            }
            Thread.sleep(200);
        }
        long idleSince = -1;
        while (true) {
            Thread.sleep(CHECK_MILLIS);
            // under the start lock: a job registering now either sees this server stop or keeps it running
            try (RandomAccessFile lockFile = new RandomAccessFile(new File(home, LOCK), "rw");
                 FileLock ignored = lockFile.getChannel().lock()) {
                if (liveClients(home) > 0) {
                    idleSince = -1;
                } else if (idleSince < 0) {
                    idleSince = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - idleSince > IDLE_MILLIS) {
                    shutdown(server);
                    System.exit(0);
                }
            }
        }
    }

    /** Jobs registered with the server that are still running; registrations of ended ones are removed. */
    static int liveClients(File home) {
        File[] files = new File(home, CLIENTS).listFiles();
        int live = 0;
        for (File f : files == null ? new File[0] : files) {
            Optional<ProcessHandle> p;
            try {
                p = ProcessHandle.of(Long.parseLong(f.getName()));
            } catch (NumberFormatException e) {
                p = Optional.empty();
            }
            if (p.map(ProcessHandle::isAlive).orElse(false)) {
                live++;
            } else if (!f.delete()) {
                live++; // cannot tell: keep serving
            }
        }
        return live;
    }

    private static void shutdown(NetworkServerControl server) {
        try {
            server.shutdown();
        } catch (Exception e) { // already gone: nothing to stop
            System.err.println("lakead catalog server: shutdown: " + e.getMessage());
        }
    }

    /** True when a Derby network server answers on the loopback port. */
    static boolean answers(int port) {
        try {
            new NetworkServerControl(InetAddress.getLoopbackAddress(), port).ping();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static String lastLine(File f) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(f.toPath(), java.nio.charset.StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "no output";
        } catch (IOException e) {
            return "no log";
        }
    }

    static void touch(File f) throws IOException {
        if (!f.exists() && !f.createNewFile() && !f.exists()) {
            throw new IOException("cannot create " + f);
        }
    }
}
