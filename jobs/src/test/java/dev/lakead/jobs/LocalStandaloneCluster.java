package dev.lakead.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on loopback (one Master, three Workers, separate JVMs) and a one-node HDFS, started
 * through {@code scripts/local-cluster.sh} — the same implementation a user runs — on free ports, with its state
 * under {@code dir}. {@link #close()} stops it (Workers with their executors, the Master, the HDFS); a JVM shutdown
 * hook stops it too if the test JVM dies first.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    final Path root;
    final Path dir;
    final int port;
    final int uiPort;
    final int hdfsPort;
    private final Thread hook = new Thread(this::stopQuietly, "local-cluster-stop");
    private boolean stopped;

    private LocalStandaloneCluster(Path root, Path dir, int port, int uiPort, int hdfsPort) {
        this.root = root;
        this.dir = dir;
        this.port = port;
        this.uiPort = uiPort;
        this.hdfsPort = hdfsPort;
    }

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/lakead"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("project root (scripts/lakead) not found");
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    static LocalStandaloneCluster start(Path dir) throws Exception {
        LocalStandaloneCluster c = new LocalStandaloneCluster(projectRoot(), dir, freePort(), freePort(), freePort());
        Runtime.getRuntime().addShutdownHook(c.hook);
        int rc = c.script("start", dir.resolve("start.log"));
        if (rc != 0) {
            c.close();
            throw new IllegalStateException("local-cluster.sh start failed (" + rc + "): "
                    + Files.readString(dir.resolve("start.log")));
        }
        return c;
    }

    String masterUrl() { return "spark://127.0.0.1:" + port; }

    /** The cluster's one-node HDFS (started by the script with LAKEAD_CLUSTER_HDFS=1). */
    String hdfsUrl() { return "hdfs://127.0.0.1:" + hdfsPort; }

    Path sparkHome() { return dir.resolve("spark-home"); }

    /**
     * Three 1-core Workers, so that in cluster deploy mode the driver takes one and two executors still fit beside
     * it; and the HDFS.
     */
    Map<String, String> env() {
        return Map.of("LAKEAD_CLUSTER_DIR", dir.toString(), "LAKEAD_CLUSTER_PORT", Integer.toString(port),
                "LAKEAD_CLUSTER_UI_PORT", Integer.toString(uiPort), "LAKEAD_CLUSTER_WORKERS", "3",
                "LAKEAD_CLUSTER_HDFS", "1", "LAKEAD_CLUSTER_HDFS_PORT", Integer.toString(hdfsPort));
    }

    private int script(String command, Path log) throws Exception {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("scripts/local-cluster.sh").toString(), command)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return 124;
        }
        return p.exitValue();
    }

    /**
     * Starts {@code scripts/lakead <job> --master spark://… args}: spark-submit of the shaded jar, with the
     * cluster's Spark home. Output goes to {@code out}/{@code err}. The returned process is the driver JVM
     * (the launcher and bin/spark-submit exec into it).
     */
    Process submit(String submitArgs, File out, File err, String job, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/lakead").toString(), job,
                "--master", masterUrl()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
        pb.environment().put("SPARK_HOME", sparkHome().toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("LAKEAD_NO_BUILD", "1"); // the jar was built by this Maven run
        pb.environment().put("LAKEAD_SUBMIT_ARGS", submitArgs);
        return pb.start();
    }

    /**
     * Runs the cluster's {@code bin/spark-submit} itself with these arguments (no launcher), as a user who calls
     * spark-submit directly does; {@code --master} is this cluster's.
     */
    Process sparkSubmit(File out, File err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(sparkHome().resolve("bin/spark-submit").toString(),
                "--master", masterUrl()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
        pb.environment().put("SPARK_HOME", sparkHome().toString());
        return pb.start();
    }

    /** {@code scripts/local-cluster.sh <args>} (e.g. {@code hdfs -put …}, {@code status}); returns its output. */
    String script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/local-cluster.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("local-cluster.sh " + args[0] + " failed: " + out);
        return out;
    }

    private void stopQuietly() {
        synchronized (this) {
            if (stopped) return;
            stopped = true;
        }
        try {
            script("stop", dir.resolve("stop.log"));
        } catch (Exception e) {
            System.err.println("local-cluster stop failed: " + e);
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) { // already shutting down
        }
    }
}
