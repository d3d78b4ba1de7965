package dev.lakead.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Airflow DAG (scripts/airflow/lakead_dag.py) cannot run here without Airflow, so: it must compile with python3,
 * and every job invocation it builds must be accepted by that job's own argument parser and settings validation
 * (--dry-run parses and validates without starting Spark).
 */
class AirflowDagTest {
    private static final File ROOT = new File("..").getAbsoluteFile();

    private static String python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT).redirectErrorStream(true);
        pb.environment().put("LAKEAD_DAG_LAKEAD_CONF", "conf/example-sensors.conf");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python3 " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyJobTheDagBuildsIsAcceptedByItsParser() throws Exception {
        python("-m", "py_compile", "scripts/airflow/lakead_dag.py");
        List<Map<String, Object>> invocations = new ObjectMapper().readValue(
                python("scripts/airflow/list_invocations.py"), List.class);
        Set<String> jobs = new TreeSet<>();
        for (Map<String, Object> inv : invocations) {
            assertEquals("dev.lakead.jobs.LakeadCli", inv.get("java_class"));
            assertEquals("conf/example-sensors.conf", inv.get("files"), "the settings file is shipped");
            List<String> args = new ArrayList<>((List<String>) inv.get("args"));
            int config = args.indexOf("--config");
            assertTrue(config > 0, "every job gets the settings file: " + args);
            args.set(config + 1, new File(ROOT, "conf/" + args.get(config + 1)).getPath());
            args.add("--dry-run");
            CliRun r = CliRun.of(args.toArray(new String[0]));
            assertEquals(0, r.exitCode(), inv.get("task_id") + ": " + args + "\n" + r.err() + r.out());
            assertTrue(r.out().contains("arguments and settings are valid"), r.out());
            jobs.add(args.get(0));
        }
        assertEquals(new TreeSet<>(List.of("score", "monitor", "drift", "preprocess", "train", "promote")), jobs);
    }

    @Test
    void aBrokenInvocationIsRejectedByTheSameCheck() {
        CliRun r = CliRun.of("drift", "--config", new File(ROOT, "conf/example-sensors.conf").getPath(),
                "--dry-run");
        assertEquals(2, r.exitCode(), "drift without --where: " + r.out());
        assertTrue(r.err().contains("drift.where"), r.err());
    }
}
