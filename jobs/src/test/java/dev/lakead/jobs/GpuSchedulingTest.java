package dev.lakead.jobs;

import dev.lakead.models.TaskDevices;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark's GPU scheduling on a real cluster, without a GPU: a standalone Master and its Workers (separate JVMs,
 * {@code scripts/local-cluster.sh}), each Worker offering two "GPUs" found by a discovery script (the n-th Worker
 * to start gets addresses 2n and 2n+1), an application asking {@code spark.executor.resource.gpu.amount=1}
 * and {@code spark.task.resource.gpu.amount=1}. Every task records the device {@link TaskDevices} chooses through
 * an injected setter: it must be the task's own assigned GPU, and the two executors' tasks land on different
 * devices. The production entry point (backend check included) sets nothing, because the executors run ND4J's CPU
 * backend. (Spark's local mode cannot show this: it hands tasks no resources.)
 */
class GpuSchedulingTest {

    /** One task: its executor, its GPU addresses, the device chosen for CUDA, and what the real backend check set. */
    static final class RecordDevices implements FlatMapFunction<Iterator<Integer>, String> {
        @Override
        public Iterator<String> call(Iterator<Integer> it) throws Exception {
            TaskContext task = TaskContext.get();
            List<Integer> cuda = new ArrayList<>();
            TaskDevices.use(task, () -> true, cuda::add);
            List<Integer> real = new ArrayList<>();
            TaskDevices.use(task, TaskDevices::cudaBackend, real::add);
            ResourceInformation gpus = task.resourcesJMap().get("gpu");
            Thread.sleep(1_000); // keep both executors busy
            String addresses = gpus == null ? "none" : String.join(",", gpus.addresses());
            return List.of(String.join(";", org.apache.spark.SparkEnv.get().executorId(), addresses,
                    cuda.toString(), real.toString())).iterator();
        }
    }

    @Test
    void eachTaskUsesTheGpuSparkAssignedIt() throws Exception {
        Path root = LocalStandaloneCluster.projectRoot();
        assertTrue(Files.exists(root.resolve("jobs/target/classpath.txt")), "classpath.txt not built");
        Path work = root.resolve("jobs/target/gpu-scheduling-test");
        LocalClusterTest.deleteTree(work);
        Path dir = work.resolve("cluster");
        Files.createDirectories(dir);

        // Each Worker runs the discovery script once at start: the n-th (from 0) gets GPUs 2n and 2n+1, so no two
        // Workers share an address (mkdir is the atomic "take the next number").
        Path script = work.resolve("gpus.sh");
        Files.writeString(script, """
                #!/usr/bin/env bash
                for n in $(seq 0 15); do
                  if mkdir "$(dirname "$0")/worker-$n" 2>/dev/null; then
                    printf '{"name":"gpu","addresses":["%d","%d"]}\\n' $((2 * n)) $((2 * n + 1))
                    exit 0
                  fi
                done
                exit 1
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The Workers read $SPARK_HOME/conf/spark-defaults.conf: build the Spark home first, then add the GPUs.
        ProcessBuilder env = new ProcessBuilder("bash", root.resolve("scripts/local-cluster.sh").toString(), "env")
                .redirectErrorStream(true).redirectOutput(work.resolve("env.log").toFile());
        env.environment().put("LAKEAD_CLUSTER_DIR", dir.toString());
        Process p = env.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "local-cluster.sh env");
        Files.writeString(dir.resolve("spark-home/conf/spark-defaults.conf"),
                "spark.worker.resource.gpu.amount 2\nspark.worker.resource.gpu.discoveryScript " + script + "\n");

        try (LocalStandaloneCluster cluster = LocalStandaloneCluster.start(dir)) {
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("lakead-gpu-scheduling")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false")
                    .set("spark.executor.memory", "512m").set("spark.executor.cores", "1")
                    .set("spark.cores.max", "2")
                    .set("spark.executor.resource.gpu.amount", "1")
                    .set("spark.task.resource.gpu.amount", "1")
                    .set("spark.jars", String.join(",", appJars(work)));
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                waitForExecutors(sc, 2);
                List<String> tasks = sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
                        .mapPartitions(new RecordDevices()).collect();

                Map<String, Set<Integer>> devicesByExecutor = new TreeMap<>();
                for (String t : tasks) {
                    String[] f = t.split(";");
                    String[] addresses = f[1].split(",");
                    assertEquals(1, addresses.length, "one GPU per task: " + t);
                    int address = Integer.parseInt(addresses[0]);
                    assertEquals("[" + address + "]", f[2], "the device set is the task's own GPU: " + t);
                    assertEquals("[]", f[3], "CPU backend: the production path sets nothing: " + t);
                    devicesByExecutor.computeIfAbsent(f[0], k -> new TreeSet<>()).add(address);
                }
                System.out.println("gpu scheduling test: " + tasks);
                assertEquals(2, devicesByExecutor.size(), "both executors ran tasks: " + tasks);
                Set<Integer> all = new TreeSet<>();
                devicesByExecutor.values().forEach(all::addAll);
                assertEquals(2, all.size(), "the two executors' tasks used different GPUs: " + devicesByExecutor);
                devicesByExecutor.values().forEach(d -> assertEquals(1, d.size(), "one GPU per executor"));
            }
        }
    }

    private static void waitForExecutors(JavaSparkContext sc, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (sc.sc().getExecutorIds().size() < n) {
            assertTrue(System.nanoTime() < deadline, "executors registered: " + sc.sc().getExecutorIds());
            Thread.sleep(500);
        }
    }

    /** The executors' application classes: lakead-common (TaskDevices) and this test's classes, as jars. */
    private static List<String> appJars(Path work) throws Exception {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : List.of(TaskDevices.class, GpuSchedulingTest.class)) {
            Path source = Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path jar = work.resolve(c.getSimpleName() + "-classes.jar");
                jarOf(source, jar);
                source = jar;
            }
            jars.add(source.toString());
        }
        return jars;
    }

    private static void jarOf(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }
}
