package dev.lakead.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on a real Spark standalone cluster: one Master and two Workers (separate JVMs, loopback, started by
 * {@code scripts/local-cluster.sh} from the project's Maven jars), jobs submitted with {@code spark-submit} of the
 * shaded jar through {@code scripts/lakead}, two 1-core executors.
 *
 * <p>Why this runs under {@code mvn test}: the README's test command is {@code mvn -B -ntp test}, which stops
 * before {@code package}; so the jobs module builds its jar, shaded jar and {@code classpath.txt} in
 * {@code process-test-classes} (and common jars itself there too, because the shade plugin cannot take a reactor
 * classes folder). The test therefore submits exactly the jar a user deploys, not the classes folder.
 *
 * <p>Tests share one cluster and run in order: (1) demo pipeline on the cluster vs. the same demo in local mode;
 * (2) an executor JVM is killed while scoring runs; (3) one is killed during a parameter-averaging round of
 * training; (4) a score job whose driver is killed mid-write leaves the
 * previous partitions intact; (5) the demo in cluster deploy mode with every path, the settings file included, on
 * the cluster's HDFS and extraJavaOptions of the submission's own; (6) a settings file shipped with --files and a
 * setting given as --conf spark.lakead.*, in cluster deploy mode. The cluster is stopped in {@link #stopCluster()} (and by a shutdown hook).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The stage of a parameter-averaging round of the default (dense) training engine, where training tasks run. */
    static final String TRAINING_ROUND = "runJob at AveragingTrainer";
    static final String[] DEMO_ARGS = {"--rows-per-day", "2000", "--days", "4", "--train-days", "2",
            "--set", "train.epochs=3", "--set", "catalog.type=in-memory"};

    Path work;
    LocalStandaloneCluster cluster;
    SparkSession spark;
    Path clusterDemo;
    double localAuc = Double.NaN;

    @BeforeAll
    void startCluster() throws Exception {
        Path root = LocalStandaloneCluster.projectRoot();
        assertTrue(Files.exists(root.resolve("jobs/target/classpath.txt")), "classpath.txt not built");
        try (Stream<Path> s = Files.list(root.resolve("jobs/target"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith("-shaded.jar")), "shaded jar not built");
        }
        work = root.resolve("jobs/target/cluster-test");
        deleteTree(work);
        Files.createDirectories(work.resolve("events"));
        cluster = LocalStandaloneCluster.start(work.resolve("cluster"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) cluster.close();
        if (spark != null) spark.stop();
    }

    @Test
    @Order(1)
    void pipelineRunsOnTwoExecutorsWithLocalModeQuality() throws Exception {
        long t0 = System.nanoTime();
        // the same demo in local mode, in process: the quality reference
        CliRun local = CliRun.of(concat(new String[]{"demo", "--master", "local[2]",
                "--workdir", work.resolve("local-demo").toString()}, DEMO_ARGS));
        assertEquals(0, local.exitCode(), local.err());
        localAuc = rocAuc(local.out());
        long t1 = System.nanoTime();

        clusterDemo = work.resolve("cluster-demo");
        Run run = submit("demo", 420, concat(new String[]{"--workdir", clusterDemo.toString()}, DEMO_ARGS));
        assertEquals(0, run.exitCode, run.describe());
        double clusterAuc = rocAuc(run.out);
        long t2 = System.nanoTime();

        List<JsonNode> events = events(run.appId);
        Set<String> added = new HashSet<>();
        for (JsonNode e : events) {
            if ("SparkListenerExecutorAdded".equals(e.path("Event").asText())) added.add(e.path("Executor ID").asText());
        }
        assertTrue(added.size() >= 2, "executors added: " + added);
        // parameter averaging really ran on both executors
        Set<String> trainingExecutors = executorsOfStages(events, TRAINING_ROUND);
        assertEquals(2, trainingExecutors.size(), "executors that ran training tasks: " + trainingExecutors);
        assertEquals(2, executorsOfStages(events, "ParquetTableFormat").size(), "executors that ran scoring tasks");

        assertExactlyOnce(clusterDemo.resolve("warehouse/anomaly_scores"));
        System.out.printf("cluster test: executors=%d auc=%.4f local_auc=%.4f local_s=%.0f cluster_s=%.0f%n",
                added.size(), clusterAuc, localAuc, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        assertEquals(localAuc, clusterAuc, 0.02, "ROC-AUC on the cluster vs local mode");
    }

    @Test
    @Order(2)
    void scoringSurvivesAKilledExecutor() throws Exception {
        assertTrue(clusterDemo != null && Files.isDirectory(clusterDemo.resolve("models")), "needs test 1's bundle");
        Path output = work.resolve("scores-fault");
        Run run = scoreAndThen(output, "kill-executor", (appId, driver, busy) -> killExecutor(appId, busy));
        assertEquals(0, run.exitCode, "score job after an executor was killed: " + run.describe());
        assertTrue(lostTasks(run.appId) > 0, "no scoring task was lost with the executor (killed too late?)");
        assertExactlyOnce(output);
    }

    @Test
    @Order(3)
    void trainingSurvivesAnExecutorKilledDuringAnAveragingRound() throws Exception {
        assertTrue(clusterDemo != null && Files.isDirectory(clusterDemo.resolve("prepared/sensor-autoencoder")),
                "needs test 1's data");
        int epochs = 3;
        Path root = work.resolve("models-fault");
        String[] args = {"--prepared", clusterDemo.resolve("prepared/sensor-autoencoder").toString(),
                "--model-root", root.toString(), "--model-name", "fault", "--model-version", "v1",
                "--epochs", String.valueOf(epochs),
                "--set", "catalog.type=in-memory", "--set", "train.workers=2",
                "--set", "train.early-stopping-patience=0",
                // one averaging round per epoch of small batches: each round's tasks run long enough to be hit
                "--set", "train.batch-size-per-worker=8", "--set", "train.averaging-frequency=1000",
                // a wide network (about 12 MFLOP a row), so that a round lasts seconds on any CPU and the kill,
                // which comes a few hundred ms after the round's tasks start, always finds them running; 512 wide
                // rounds took under a second once the dense engine got faster, and a CI run killed too late
                "--set", "model.hidden-sizes=[1024,1024,3]"};
        Run run = submitAndThen("train", args, TRAINING_ROUND,
                "kill-executor-training", (appId, driver, busy) -> killExecutor(appId, busy));
        assertEquals(0, run.exitCode, "train job after an executor was killed: " + run.describe());
        assertTrue(lostTasks(run.appId) > 0, "no training task was lost with the executor (killed too late?)");
        // the round was retried: every epoch ran and the bundle is complete and loads
        JsonNode metadata = JSON.readTree(root.resolve("fault/v1/metadata.json").toFile());
        assertEquals(epochs, metadata.path("training").path("epochs_run").asInt(), metadata.toString());
        assertTrue(Files.isRegularFile(root.resolve("fault/v1/manifest.json")));
    }

    @Test
    @Order(4)
    void interruptedScoreKeepsThePreviousPartitions() throws Exception {
        Path output = work.resolve("scores-fault"); // complete after test 2
        assertTrue(Files.isDirectory(output), "needs test 2's score table");
        Map<String, Long> before = partitionFiles(output);
        assertFalse(before.isEmpty());
        Run run = scoreAndThen(output, "kill-driver", (appId, driver, busy) -> driver.destroyForcibly());
        assertTrue(run.exitCode != 0, "the driver was killed, yet it exited 0");
        assertEquals(before, partitionFiles(output), "partition files changed by the interrupted job");
        assertExactlyOnce(output);
    }

    /**
     * Cluster deploy mode, as on a production cluster: the driver runs on a Worker, not beside spark-submit. Every
     * path is on the cluster's HDFS, the settings file included (readable only through its URI); the submission
     * carries extraJavaOptions of its own, which reach the driver and the executors untouched, next to the Java 17
     * module options that Spark and the cluster (conf/java-opts) supply.
     */
    @Test
    @Order(5)
    void clusterDeployModeRunsThePipelineWithEverythingOnHdfs() throws Exception {
        String hdfs = cluster.hdfsUrl();
        String config = hdfs + "/lakead/conf/cluster-demo.conf";
        String workdir = hdfs + "/lakead/demo";
        // as the README shows: the settings file put on HDFS with the script's Hadoop shell
        Path local = work.resolve("cluster-demo.conf");
        Files.writeString(local, "lakead { train.epochs = 3, catalog.type = in-memory }\n");
        cluster.script("hdfs", "-mkdir", "-p", "/lakead/conf");
        cluster.script("hdfs", "-put", "-f", local.toString(), "/lakead/conf/");
        assertTrue(cluster.script("status").contains("HDFS " + hdfs + " running"));

        Driver driver = submitInClusterMode("demo", "--conf spark.executor.extraJavaOptions=-Dlakead.test.marker=executors"
                        + " --conf spark.driver.extraJavaOptions=-Dlakead.test.marker=driver",
                "--config", config, "--workdir", workdir, "--rows-per-day", "2000", "--days", "4", "--train-days", "2");
        assertEquals("FINISHED", driver.state, driver.describe());
        double auc = rocAuc(driver.out);
        assertTrue(driver.launchCommand.contains("-Dlakead.test.marker=driver"), driver.launchCommand);
        assertTrue(driver.launchCommand.contains("org.apache.spark.deploy.worker.DriverWrapper"),
                "the driver was launched by a Worker: " + driver.launchCommand);

        List<JsonNode> events = events(driver.appId);
        assertEquals(2, executorsOfStages(events, TRAINING_ROUND).size(),
                "executors that ran training tasks");
        assertEquals(2, executorsOfStages(events, "ParquetTableFormat").size(), "executors that ran scoring tasks");
        List<String> executorCommands = executorCommands(driver.appId);
        assertTrue(executorCommands.size() >= 2, "executor launch commands: " + executorCommands);
        for (String command : executorCommands) {
            assertTrue(command.contains("-Dlakead.test.marker=executors"), "the submission's own option: " + command);
            assertTrue(command.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), command);
        }

        long[] counts = assertExactlyOnce(workdir + "/lake/sensor_readings", workdir + "/warehouse/anomaly_scores");
        org.apache.hadoop.fs.FileSystem fs = hdfsFs();
        for (String p : List.of("/lakead/demo/models/sensor-autoencoder/v1/metadata.json",
                "/lakead/demo/reports/evaluation/report.json", "/lakead/demo/reports/evaluation/report.html")) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(p)), p + " on HDFS");
        }
        assertFalse(driver.out.contains("/metastore"), "no local catalog for an hdfs:// workdir");
        System.out.printf("cluster executors=%d rows=%d duplicates=%d auc=%.4f deploy_mode=cluster hdfs=yes%n",
                executorCommands.size(), counts[0], counts[1], auc);
        assertTrue(Double.isNaN(localAuc) || Math.abs(localAuc - auc) <= 0.02,
                "ROC-AUC in cluster deploy mode " + auc + " vs local mode " + localAuc);
    }

    /**
     * spark-submit called directly, as the README shows for YARN: a settings file shipped with --files is found by
     * its name on a cluster-mode driver (no local copy there), and --conf spark.lakead.* sets a setting.
     */
    @Test
    @Order(6)
    void clusterDeployModeReadsASettingsFileShippedWithFiles() throws Exception {
        String shipped = cluster.hdfsUrl() + "/lakead/conf/shipped.conf";
        writeHdfs(shipped, "lakead { model.name = shipped-settings, prepared.path = \"" + cluster.hdfsUrl()
                + "/lakead/prepared\" }\n");
        Driver driver = awaitDriver("train-files", (out, err) -> cluster.sparkSubmit(out, err,
                "--deploy-mode", "cluster", "--class", "dev.lakead.jobs.LakeadCli",
                "--files", shipped, "--conf", "spark.lakead.train.epochs=7", "--driver-memory", "1g",
                shadedJar().toString(), "train", "--config", "shipped.conf", "--dry-run"));
        assertEquals("FINISHED", driver.state, driver.describe());
        assertTrue(driver.out.contains("arguments and settings are valid"), driver.describe());
        assertTrue(driver.out.contains("\"shipped-settings\""), driver.describe());
        assertTrue(driver.out.contains("\"epochs\" : \"7\""), "--conf spark.lakead.train.epochs: " + driver.describe());
    }

    // ---------------------------------------------------------------------------------------------------------

    /** What to do to a running application; {@code busy} is the id of an executor running a task of the stage. */
    interface Action { void run(String appId, Process driver, String busy) throws Exception; }

    /** Rescores the demo lake into {@code output} with many small tasks; runs the action once scoring tasks run. */
    Run scoreAndThen(Path output, String name, Action action) throws Exception {
        String[] args = {"--input", clusterDemo.resolve("lake/sensor_readings").toString(),
                "--model", clusterDemo.resolve("models/sensor-autoencoder/v1").toString(),
                "--output", output.toString(), "--batch-size", "64",
                "--set", "catalog.type=in-memory",
                // many small input splits: the scoring stage has tens of tasks, so it is still running when we act
                "--set", "spark.conf.spark.sql.files.maxPartitionBytes=8192",
                "--set", "spark.conf.spark.sql.files.openCostInBytes=1024"};
        return submitAndThen("score", args, "ParquetTableFormat", name, action);
    }

    /** Kills the JVM of the application's executor {@code id} (the Worker starts a new one). */
    static void killExecutor(String appId, String id) {
        ProcessHandle executor = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")
                        && c.contains(appId) && c.contains("--executor-id " + id + " ")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM of executor " + id + " of " + appId));
        executor.destroyForcibly();
    }

    /** Tasks that ended because their executor was lost, and whether an executor was removed. */
    long lostTasks(String appId) throws Exception {
        List<JsonNode> events = events(appId);
        boolean removed = events.stream().anyMatch(e -> "SparkListenerExecutorRemoved".equals(e.path("Event").asText()));
        assertTrue(removed, "the killed executor was not removed");
        return events.stream().filter(e -> "SparkListenerTaskEnd".equals(e.path("Event").asText())
                && "ExecutorLostFailure".equals(e.path("Task End Reason").path("Reason").asText())).count();
    }

    /**
     * Submits {@code job} in client mode and runs the action once a stage whose name contains {@code stageName} has
     * tasks running and tasks still to start.
     */
    Run submitAndThen(String job, String[] args, String stageName, String name, Action action) throws Exception {
        int uiPort = LocalStandaloneCluster.freePort();
        File out = work.resolve(name + ".out").toFile();
        File err = work.resolve(name + ".err").toFile();
        Process driver = cluster.submit(submitArgs() + " --conf spark.ui.port=" + uiPort, out, err, job, args);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String appId = null;
        boolean acted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (driver.isAlive() && System.nanoTime() < deadline && !acted) {
            Thread.sleep(200);
            try {
                if (appId == null) {
                    JsonNode apps = JSON.readTree(get(http, "http://127.0.0.1:" + uiPort + "/api/v1/applications"));
                    if (apps.size() > 0) appId = apps.get(0).path("id").asText();
                    continue;
                }
                JsonNode stages = JSON.readTree(get(http, "http://127.0.0.1:" + uiPort + "/api/v1/applications/"
                        + appId + "/stages?status=active"));
                for (JsonNode st : stages) {
                    // scoring: act while tasks are still to start; an averaging round has one task per worker,
                    // all running at once, so there it is enough that they run
                    boolean pending = st.path("numCompleteTasks").asInt() + st.path("numActiveTasks").asInt()
                            < st.path("numTasks").asInt();
                    if (st.path("name").asText().contains(stageName) && st.path("numActiveTasks").asInt() > 0
                            && (pending || !"score".equals(job))) {
                        String busy = runningExecutor(http, uiPort, appId, st);
                        if (busy == null) continue; // the tasks ended meanwhile
                        action.run(appId, driver, busy);
                        acted = true;
                        break;
                    }
                }
            } catch (java.io.IOException notYet) { // UI not up yet
            }
        }
        if (!driver.waitFor(300, TimeUnit.SECONDS)) driver.destroyForcibly().waitFor();
        Run run = new Run(driver.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()), appId);
        assertTrue(acted, name + ": no '" + stageName + "' stage was seen running; " + run.describe());
        return run;
    }

    /** An executor running a task of the stage right now, or null when none is. */
    static String runningExecutor(HttpClient http, int uiPort, String appId, JsonNode stage) throws Exception {
        JsonNode tasks = JSON.readTree(get(http, "http://127.0.0.1:" + uiPort + "/api/v1/applications/" + appId
                + "/stages/" + stage.path("stageId").asInt() + "/" + stage.path("attemptId").asInt()
                + "/taskList?length=10000"));
        for (JsonNode t : tasks) {
            if ("RUNNING".equals(t.path("status").asText())) return t.path("executorId").asText();
        }
        return null;
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new java.io.IOException("HTTP " + r.statusCode());
        return r.body();
    }

    /** A driver that a Worker ran in cluster deploy mode: its final state, stdout and launch command. */
    record Driver(String id, String state, String out, String err, String launchCommand, String appId) {
        String describe() {
            return "driver " + id + " " + state + "\n--- stdout\n" + out + "\n--- stderr (tail)\n"
                    + err.substring(Math.max(0, err.length() - 6000));
        }
    }

    /**
     * {@code scripts/lakead <job> --master spark://…} with {@code --deploy-mode cluster}: spark-submit returns once
     * the Master accepted the driver (standalone does not report the driver's exit code), so the driver's final state
     * comes from the Master's JSON and its output from its folder on the Worker.
     */
    Driver submitInClusterMode(String job, String extraSubmitArgs, String... args) throws Exception {
        return awaitDriver(job + "-cluster-mode", (out, err) -> cluster.submit(
                submitArgs() + " --deploy-mode cluster " + extraSubmitArgs, out, err, job, args));
    }

    interface Submission { Process start(File out, File err) throws Exception; }

    /** Starts a cluster-mode submission and waits for the driver it created to end. */
    Driver awaitDriver(String name, Submission submission) throws Exception {
        Set<String> before = driverIds();
        Set<String> logsBefore = eventLogs();
        File out = work.resolve(name + ".out").toFile();
        File err = work.resolve(name + ".err").toFile();
        Process p = submission.start(out, err);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "spark-submit did not return");
        assertEquals(0, p.exitValue(), "spark-submit: " + Files.readString(err.toPath()));
        String id = null;
        String state = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(480);
        while (System.nanoTime() < deadline) {
            JsonNode master = JSON.readTree(get(HttpClient.newHttpClient(),
                    "http://127.0.0.1:" + cluster.uiPort + "/json/"));
            for (String list : List.of("activedrivers", "completeddrivers")) {
                for (JsonNode d : master.path(list)) {
                    if (!before.contains(d.path("id").asText())) {
                        id = d.path("id").asText();
                        state = d.path("state").asText();
                    }
                }
            }
            if (Set.of("FINISHED", "FAILED", "ERROR", "KILLED").contains(state)) break;
            Thread.sleep(1000);
        }
        assertTrue(id != null, "the Master never listed the driver");
        Path dir;
        try (Stream<Path> s = Files.list(cluster.dir)) {
            String driverId = id;
            dir = s.map(w -> w.resolve(driverId)).filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new AssertionError("no folder of " + driverId + " on any Worker"));
        }
        String driverErr = Files.readString(dir.resolve("stderr"));
        String launch = driverErr.lines().filter(l -> l.startsWith("Launch Command:")).findFirst().orElse("");
        Set<String> logs = eventLogs();
        logs.removeAll(logsBefore);
        String appId = logs.isEmpty() ? null : logs.iterator().next().replace(".inprogress", "");
        return new Driver(id, state, Files.readString(dir.resolve("stdout")), driverErr, launch, appId);
    }

    static Path shadedJar() throws Exception {
        try (Stream<Path> s = Files.list(LocalStandaloneCluster.projectRoot().resolve("jobs/target"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-shaded.jar")).findFirst().orElseThrow();
        }
    }

    Set<String> driverIds() throws Exception {
        JsonNode master = JSON.readTree(get(HttpClient.newHttpClient(), "http://127.0.0.1:" + cluster.uiPort + "/json/"));
        Set<String> ids = new HashSet<>();
        for (String list : List.of("activedrivers", "completeddrivers")) {
            for (JsonNode d : master.path(list)) ids.add(d.path("id").asText());
        }
        return ids;
    }

    /** The java command line of each executor of the application (the first line a Worker writes to its stderr). */
    List<String> executorCommands(String appId) throws Exception {
        List<String> commands = new ArrayList<>();
        try (Stream<Path> s = Files.walk(cluster.dir, 4)) {
            for (Path stderr : s.filter(p -> p.getFileName().toString().equals("stderr")
                    && p.getParent().getParent().getFileName().toString().equals(appId)).toList()) {
                Files.readAllLines(stderr).stream().filter(l -> l.startsWith("Spark Executor Command:"))
                        .findFirst().ifPresent(commands::add);
            }
        }
        return commands;
    }

    org.apache.hadoop.fs.FileSystem hdfsFs() throws Exception {
        return org.apache.hadoop.fs.FileSystem.get(URI.create(cluster.hdfsUrl()), new org.apache.hadoop.conf.Configuration());
    }

    void writeHdfs(String uri, String text) throws Exception {
        try (java.io.OutputStream o = hdfsFs().create(new org.apache.hadoop.fs.Path(URI.create(uri)), true)) {
            o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    String submitArgs() {
        return "--driver-memory 1g --conf spark.executor.memory=1g --conf spark.cores.max=2"
                + " --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=" + work.resolve("events").toUri();
    }

    record Run(int exitCode, String out, String err, String appId) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr (tail)\n"
                    + err.substring(Math.max(0, err.length() - 6000));
        }
    }

    Run submit(String job, int timeoutSeconds, String... args) throws Exception {
        File out = work.resolve(job + ".out").toFile();
        File err = work.resolve(job + ".err").toFile();
        Set<String> before = eventLogs();
        Process p = cluster.submit(submitArgs(), out, err, job, args);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        Set<String> after = eventLogs();
        after.removeAll(before);
        String appId = after.isEmpty() ? null : after.iterator().next().replace(".inprogress", "");
        return new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()), appId);
    }

    Set<String> eventLogs() throws Exception {
        try (Stream<Path> s = Files.list(work.resolve("events"))) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    List<JsonNode> events(String appId) throws Exception {
        assertTrue(appId != null, "no application id");
        Path log = work.resolve("events").resolve(appId);
        if (!Files.exists(log)) log = work.resolve("events").resolve(appId + ".inprogress");
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Executors that finished tasks of the stages whose name contains {@code nameFragment}. */
    static Set<String> executorsOfStages(List<JsonNode> events, String nameFragment) {
        Set<Integer> stages = new HashSet<>();
        for (JsonNode e : events) {
            if ("SparkListenerStageSubmitted".equals(e.path("Event").asText())
                    && e.path("Stage Info").path("Stage Name").asText().contains(nameFragment)) {
                stages.add(e.path("Stage Info").path("Stage ID").asInt());
            }
        }
        Set<String> executors = new HashSet<>();
        for (JsonNode e : events) {
            if ("SparkListenerTaskEnd".equals(e.path("Event").asText()) && stages.contains(e.path("Stage ID").asInt())
                    && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
                executors.add(e.path("Task Info").path("Executor ID").asText());
            }
        }
        return executors;
    }

    /** Every record of the demo lake is in the score table exactly once: no duplicates, no holes. */
    long[] assertExactlyOnce(Path scores) {
        return assertExactlyOnce(clusterDemo.resolve("lake/sensor_readings").toString(), scores.toString());
    }

    /** The same for any lake and score table (local paths or hdfs:// URIs); returns {rows, duplicates}. */
    long[] assertExactlyOnce(String lakePath, String scoresPath) {
        if (spark == null) {
            spark = SparkSession.builder().master("local[1]").appName("local-cluster-test")
                    .config("spark.ui.enabled", "false").getOrCreate();
        }
        Dataset<Row> lake = spark.read().parquet(lakePath);
        Dataset<Row> scored = spark.read().parquet(scoresPath);
        long records = lake.count();
        long rows = scored.count();
        long distinct = scored.select("record_id").distinct().count();
        long holes = lake.select(col("record_id")).except(scored.select(col("record_id"))).count();
        System.out.printf("cluster test: %s rows=%d duplicates=%d holes=%d%n", scoresPath, rows, rows - distinct,
                holes);
        assertEquals(0, holes, "records not scored");
        assertEquals(rows, distinct, "records scored more than once");
        assertEquals(records, rows);
        return new long[]{rows, rows - distinct};
    }

    /** dt=… partition files (relative path → size), hidden staging folders excluded. */
    static Map<String, Long> partitionFiles(Path table) throws Exception {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(table)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = table.relativize(p).toString();
                if (rel.startsWith("dt=")) files.put(rel, Files.size(p));
            }
        }
        return files;
    }

    static double rocAuc(String out) {
        Matcher m = Pattern.compile("ROC-AUC:\\s*([0-9.]+)").matcher(out);
        assertTrue(m.find(), "no ROC-AUC in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
