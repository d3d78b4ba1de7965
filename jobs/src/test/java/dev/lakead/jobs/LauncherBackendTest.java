package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/lakead keeps the ND4J backend of the current build: it rebuilds with -Pcuda when the build was CUDA,
 * builds for LAKEAD_BACKEND when that is set, and hands spark-submit the matching jar. The launcher runs as it is,
 * in a copy of the project's layout, with stand-ins for mvn (which "builds" as Maven would: classpath.txt and the
 * jar of the backend), java and spark-submit that log their arguments.
 */
class LauncherBackendTest {
    private static final String CPU_JAR = "lakead-jobs-0.1.0-SNAPSHOT-shaded.jar";
    private static final String CUDA_JAR = "lakead-jobs-0.1.0-SNAPSHOT-cuda.jar";

    @TempDir
    Path root;

    private record Run(int exit, String out, String err, List<String> mvn) {
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/usr/bin/env bash\nset -euo pipefail\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void layout() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(LocalStandaloneCluster.projectRoot().resolve("scripts/lakead"), root.resolve("scripts/lakead"));
        Files.createDirectories(root.resolve("common/src/main/java"));
        Files.writeString(root.resolve("common/src/main/java/A.java"), "class A {}\n");
        Files.createDirectories(root.resolve("jobs"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        for (String conf : List.of("lakead-defaults.conf", "demo.conf", "demo-vae.conf", "demo-anogan.conf")) {
            Files.createDirectories(root.resolve("conf"));
            Files.writeString(root.resolve("conf").resolve(conf), "\n");
        }
        // mvn "builds" like Maven: the backend's classpath.txt and its jar (the other backend's jar stays)
        script(root.resolve("bin/mvn"), """
                echo "$*" >> "$LOG/mvn.log"
                t=jobs/target; mkdir -p "$t"
                case " $* " in
                  *" -Pcuda "*) echo "/m2/nd4j-api.jar:/m2/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar" > "$t/classpath.txt"
                                touch "$t/%s" ;;
                  *) echo "/m2/nd4j-api.jar:/m2/nd4j-native-1.0.0-M2.1-linux-x86_64.jar" > "$t/classpath.txt"
                     touch "$t/%s" ;;
                esac
                """.formatted(CUDA_JAR, CPU_JAR));
        script(root.resolve("bin/java"), "echo \"java $*\"\n");
        script(root.resolve("spark/bin/spark-submit"), "echo \"spark-submit $*\"\n");
    }

    private Run lakead(Map<String, String> env, String... args) throws Exception {
        Path log = root.resolve("log");
        Files.createDirectories(log);
        Files.deleteIfExists(log.resolve("mvn.log"));
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/lakead").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("LAKEAD_BACKEND");
        pb.environment().remove("LAKEAD_NO_BUILD");
        pb.environment().remove("LAKEAD_SUBMIT_ARGS");
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("SPARK_HOME", root.resolve("spark").toString());
        pb.environment().put("LOG", log.toString());
        pb.environment().putAll(env);
        Path out = log.resolve("out");
        Path err = log.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        List<String> mvn = Files.exists(log.resolve("mvn.log")) ? Files.readAllLines(log.resolve("mvn.log")) : List.of();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), mvn);
    }

    /** A source change after the last build (what triggers the automatic rebuild): jars 60 s old, source 30 s. */
    private void editSource() throws IOException {
        long now = System.currentTimeMillis();
        for (String jar : List.of(CPU_JAR, CUDA_JAR)) {
            Path p = root.resolve("jobs/target").resolve(jar);
            if (Files.exists(p)) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(now - 60_000));
            }
        }
        Files.setLastModifiedTime(root.resolve("common/src/main/java/A.java"), FileTime.fromMillis(now - 30_000));
    }

    @Test
    void theRebuildKeepsTheBackendOfTheBuildAndSparkSubmitGetsItsJar() throws Exception {
        layout();

        Run clean = lakead(Map.of(), "demo");
        assertEquals(0, clean.exit(), clean.err());
        assertEquals(List.of("-B -q -DskipTests package"), clean.mvn(), "a clean clone builds for the CPU");
        assertTrue(clean.out().contains("nd4j-native"), "local run on the CPU classpath: " + clean.out());

        Run cuda = lakead(Map.of("LAKEAD_BACKEND", "cuda"), "train", "--master", "yarn");
        assertEquals(0, cuda.exit(), cuda.err());
        assertEquals(List.of("-B -q -DskipTests -Pcuda package"), cuda.mvn(), "LAKEAD_BACKEND=cuda builds -Pcuda");
        assertTrue(cuda.out().contains("/" + CUDA_JAR + " train"), cuda.out());

        Run same = lakead(Map.of(), "score", "--master", "yarn");
        assertEquals(0, same.exit(), same.err());
        assertEquals(List.of(), same.mvn(), "nothing changed: no build");
        assertTrue(same.out().contains("/" + CUDA_JAR + " score"), "the CUDA build's jar: " + same.out());

        editSource();
        Run rebuilt = lakead(Map.of(), "score", "--master", "yarn");
        assertEquals(0, rebuilt.exit(), rebuilt.err());
        assertEquals(List.of("-B -q -DskipTests -Pcuda package"), rebuilt.mvn(),
                "the automatic rebuild of a CUDA build is a CUDA build");
        assertTrue(rebuilt.err().contains("building the jobs for cuda"), rebuilt.err());
        assertTrue(rebuilt.out().contains("/" + CUDA_JAR + " score"), rebuilt.out());

        Run local = lakead(Map.of(), "score");
        assertEquals(List.of(), local.mvn());
        assertTrue(local.out().contains("nd4j-cuda") && !local.out().contains("nd4j-native"),
                "local run on the CUDA classpath: " + local.out());

        Run cpu = lakead(Map.of("LAKEAD_BACKEND", "cpu"), "score", "--master", "yarn");
        assertEquals(0, cpu.exit(), cpu.err());
        assertEquals(List.of("-B -q -DskipTests package"), cpu.mvn(), "LAKEAD_BACKEND=cpu switches back");
        assertTrue(cpu.out().contains("/" + CPU_JAR + " score"), cpu.out());

        editSource();
        Run cpuAgain = lakead(Map.of(), "score", "--master", "yarn");
        assertEquals(List.of("-B -q -DskipTests package"), cpuAgain.mvn(), "and stays CPU on the next rebuild");
        assertTrue(cpuAgain.out().contains("/" + CPU_JAR + " score"), cpuAgain.out());
    }

    /** The layout as after a build: jobs/target with this classpath.txt and these jars. */
    private Path built(String classpath, String... jars) throws IOException {
        layout();
        Path target = Files.createDirectories(root.resolve("jobs/target"));
        Files.writeString(target.resolve("classpath.txt"), classpath + "\n");
        for (String jar : jars) {
            Files.writeString(target.resolve(jar), "");
        }
        return target;
    }

    @Test
    void withoutBuildingTheJarFollowsTheCurrentBuild() throws Exception {
        Path target = built("/m2/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar", CPU_JAR, CUDA_JAR);
        Run run = lakead(Map.of("LAKEAD_NO_BUILD", "1"), "score", "--master", "spark://h:7077", "--config", "x.conf");
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(), run.mvn());
        assertTrue(run.out().contains("--master spark://h:7077 --class dev.lakead.jobs.LakeadCli "
                + target.resolve(CUDA_JAR) + " score --config x.conf"), run.out());
        assertFalse(run.out().contains("extraJavaOptions"), run.out());
    }

    @Test
    void anUnknownBackendIsAOneLineError() throws Exception {
        layout();
        Run run = lakead(Map.of("LAKEAD_BACKEND", "gpu"), "demo");
        assertEquals(2, run.exit());
        assertEquals("lakead: LAKEAD_BACKEND must be cpu or cuda, got 'gpu'\n", run.err());
        assertEquals(List.of(), run.mvn());
    }

    @Test
    void benchmarkJobsRunFromTheBenchModuleOnALocalSparkOnly() throws Exception {
        built("/m2/nd4j-native-1.0.0-M2.1-linux-x86_64.jar", CPU_JAR);
        Path bench = Files.createDirectories(root.resolve("bench/target"));
        Files.writeString(bench.resolve("classpath.txt"), "/jobs/lakead-jobs.jar:/m2/spark-core.jar\n");
        Run run = lakead(Map.of("LAKEAD_NO_BUILD", "1"), "bench-tabular", "--models", "vae");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("-cp " + bench.resolve("classes") + ":/jobs/lakead-jobs.jar:/m2/spark-core.jar"
                + " dev.lakead.bench.BenchCli bench-tabular --models vae"), run.out());
        Run list = lakead(Map.of("LAKEAD_NO_BUILD", "1"), "bench", "--help");
        assertTrue(list.out().contains(" dev.lakead.bench.BenchCli --help"), list.out());
        Run production = lakead(Map.of("LAKEAD_NO_BUILD", "1"), "score");
        assertTrue(production.out().contains(" dev.lakead.jobs.LakeadCli score"), production.out());
        Run cluster = lakead(Map.of("LAKEAD_NO_BUILD", "1"), "bench-tabular", "--master", "yarn");
        assertEquals(2, cluster.exit(), cluster.out());
        assertTrue(cluster.err().contains("embedded local Spark only"), cluster.err());
    }
}
