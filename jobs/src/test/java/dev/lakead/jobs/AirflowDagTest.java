package dev.lakead.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.io.HadoopFiles;
import dev.lakead.pipeline.DriftSummary;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Airflow DAGs (scripts/airflow/lakead_dag.py) without Airflow: list_invocations.py runs the DAG file against
 * stubs and renders its templated fields for one ds, with the Variables pointing at real locations: the shaded jar,
 * and a settings file on a real HDFS whose drift summary is on that HDFS too. Every Spark job is then run exactly as
 * rendered with --dry-run, and the drift gate exactly as rendered, through a spark-submit stand-in, against drift
 * summaries of this day and of another day.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class AirflowDagTest {
    private static final File ROOT = new File("..").getAbsoluteFile();
    private static final String DS = "2026-11-28";
    private static final String DAY = "dt = '" + DS + "'";

    MiniHdfs hdfs;
    Path work;
    String jar;
    String conf;
    String summary;
    Map<String, Object> rendered;

    @BeforeAll
    void renderTheDagForOneDay() throws Exception {
        work = Files.createDirectories(Path.of("target/airflow-dag-test").toAbsolutePath());
        hdfs = MiniHdfs.start(work.resolve("hdfs"));
        File[] shaded = new File(ROOT, "jobs/target").listFiles((d, n) -> n.endsWith("-shaded.jar"));
        assertTrue(shaded != null && shaded.length == 1, "the shaded jar is built before the tests");
        jar = shaded[0].getPath();
        // the example settings as a user deploys them: on HDFS, with the drift summary on HDFS
        summary = hdfs.url("/lakead/reports/drift/summary.json");
        conf = hdfs.url("/lakead/conf/lakead.conf");
        hdfs.write("/lakead/conf/lakead.conf", Files.readString(new File(ROOT, "conf/example-sensors.conf").toPath())
                + "\nlakead.drift.summary-path = \"" + summary + "\"\n");
        rendered = render(DS);
    }

    @AfterAll
    void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private Map<String, Object> render(String ds) throws Exception {
        return new ObjectMapper().readValue(python("scripts/airflow/list_invocations.py", "--ds", ds,
                "--var", "lakead_jar=" + jar, "--var", "lakead_conf=" + conf), Map.class);
    }

    private static String python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(ROOT).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python3 " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    private static Map<String, Object> task(Map<String, Object> rendered, String dagId, String taskId) {
        return ((List<Map<String, Object>>) rendered.get("tasks")).stream()
                .filter(t -> dagId.equals(t.get("dag_id")) && taskId.equals(t.get("task_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + dagId + "." + taskId));
    }

    private Map<String, Object> dag(String dagId) {
        return ((List<Map<String, Object>>) rendered.get("dags")).stream().filter(d -> dagId.equals(d.get("dag_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no DAG " + dagId));
    }

    @Test
    void theDagFileReadsNoVariableWhenParsedAndEveryTemplateIsInATemplatedField() throws Exception {
        python("-m", "py_compile", "scripts/airflow/lakead_dag.py");
        // list_invocations' Variable.get raises: rendering succeeded, so the DAG file calls it nowhere at parse time
        String json = new ObjectMapper().writeValueAsString(rendered);
        assertFalse(json.contains("{{"), "a template in a field Airflow does not render: " + json);
        assertFalse(json.contains("extraJavaOptions"), "Spark 3.5 adds the Java 17 flags itself: " + json);
        // and the stub does catch a parse-time Variable.get
        Path dagFile = work.resolve("dag_with_variable_get.py");
        Files.writeString(dagFile, "from airflow.models import Variable\nJAR = Variable.get('lakead_jar')\n"
                + Files.readString(new File(ROOT, "scripts/airflow/lakead_dag.py").toPath()));
        Process p = new ProcessBuilder("python3", "scripts/airflow/list_invocations.py", "--ds", DS,
                dagFile.toString()).directory(ROOT).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.waitFor(), out);
        assertTrue(out.contains("Variable.get('lakead_jar') while the DAG file is parsed"), out);
    }

    @Test
    void bothDagsRunOneAtATimeAndADriftedDayTriggersARetrainOnItsOwnDays() throws Exception {
        Map<String, Object> daily = dag("lakead_daily");
        Map<String, Object> retrain = dag("lakead_retrain");
        assertEquals(1, daily.get("max_active_runs"), "daily runs one at a time, in date order");
        assertEquals(1, retrain.get("max_active_runs"), "retrains triggered by several days queue up");
        assertEquals(true, daily.get("catchup"), "every day since start_date is scored");
        assertEquals(false, retrain.get("catchup"));
        assertEquals("CronDataIntervalTimetable", ((Map<String, Object>) daily.get("schedule")).get("timetable"),
                "ds is the day the run scores, in Airflow 2 and 3");

        assertEquals(List.of("monitor", "drift"), task(rendered, "lakead_daily", "score").get("downstream"));
        assertEquals(List.of("retrain_recommended"), task(rendered, "lakead_daily", "drift").get("downstream"));
        Map<String, Object> gate = task(rendered, "lakead_daily", "retrain_recommended");
        assertEquals("BashOperator", gate.get("operator"));
        assertEquals(99, gate.get("skip_on_exit_code"), "exit 99 skips the gate and the trigger");
        assertEquals(List.of("trigger_retrain"), gate.get("downstream"));
        assertEquals(List.of("train"), task(rendered, "lakead_retrain", "preprocess").get("downstream"));
        assertEquals(List.of("promote"), task(rendered, "lakead_retrain", "train").get("downstream"));

        Map<String, Object> trigger = task(rendered, "lakead_daily", "trigger_retrain");
        assertEquals("lakead_retrain", trigger.get("trigger_dag_id"));
        assertEquals("drift__" + DS, trigger.get("trigger_run_id"), "one retrain per drifted day, reruns included");
        assertEquals(true, trigger.get("skip_when_already_exists"));
        assertEquals("2026-11-29", trigger.get("logical_date"));
        // the triggered retrain (its ds = that logical date) trains on the 28 days up to the drifted one
        Map<String, Object> triggered = render((String) trigger.get("logical_date"));
        assertEquals(List.of("preprocess", "--config", conf, "--where", "dt >= '2026-11-01' AND dt < '2026-11-29'"),
                task(triggered, "lakead_retrain", "preprocess").get("application_args"));
    }

    @Test
    void everySparkJobTheDagBuildsPassesItsDryRunExactlyAsRendered() {
        Set<String> jobs = new TreeSet<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) rendered.get("tasks")) {
            if (!"SparkSubmitOperator".equals(t.get("operator"))) {
                continue;
            }
            String id = t.get("dag_id") + "." + t.get("task_id");
            assertEquals("dev.lakead.jobs.LakeadCli", t.get("java_class"), id);
            assertEquals(jar, t.get("application"), id);
            assertNull(t.get("conf"), id + ": no extraJavaOptions, nothing that replaces the cluster's defaults");
            assertEquals("lakead-" + t.get("task_id") + "-" + DS, t.get("name"), id);
            List<String> args = new ArrayList<>((List<String>) t.get("application_args"));
            assertEquals(conf, args.get(args.indexOf("--config") + 1), id + ": the settings file by its URI");
            if (t.get("dag_id").equals("lakead_daily")) {
                assertEquals(DAY, args.get(args.indexOf("--where") + 1), id);
            }
            args.add("--dry-run");
            CliRun r = CliRun.of(args.toArray(new String[0]));
            assertEquals(0, r.exitCode(), id + ": " + args + "\n" + r.err() + r.out());
            assertTrue(r.out().contains("arguments and settings are valid"), r.out());
            assertTrue(r.out().contains(summary), id + ": the settings came from the HDFS file:\n" + r.out());
            jobs.add(args.get(0));
        }
        assertEquals(new TreeSet<>(List.of("score", "monitor", "drift", "preprocess", "train", "promote")), jobs);
    }

    /**
     * The gate as the DAG renders it, run by bash with a spark-submit stand-in on PATH that drops spark-submit's own
     * options and runs the main class on the build's classpath (a real spark-submit in local mode does the same in
     * its own JVM, and its exit code is the main class's). The summaries are the drift job's own format on HDFS.
     */
    @Test
    void theDriftGateAnswersForItsOwnDayOnly() throws Exception {
        String command = (String) task(rendered, "lakead_daily", "retrain_recommended").get("bash_command");
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path log = work.resolve("spark-submit.args");
        Path shim = bin.resolve("spark-submit");
        Files.writeString(shim, String.join("\n",
                "#!/usr/bin/env bash",
                "# spark-submit stand-in: records its arguments, drops its own options, runs --class",
                "printf '%s\\n' \"$@\" > '" + log + "'",
                "cls=",
                "while [[ $# -gt 0 && $1 == --* ]]; do",
                "  case $1 in",
                "    --class) cls=$2; shift 2 ;;",
                "    --verbose|--supervise) shift ;;",
                "    *) shift 2 ;;",
                "  esac",
                "done",
                "shift  # the application jar",
                "exec '" + System.getProperty("java.home") + "/bin/java' -cp '" + new File(ROOT, "jobs/target/classes")
                        + ":" + Files.readString(new File(ROOT, "jobs/target/classpath.txt").toPath()).strip()
                        + "' \"$cls\" \"$@\"",
                ""));
        assertTrue(shim.toFile().setExecutable(true));
        HadoopFiles files = new HadoopFiles(new Configuration());

        summaryOf(DAY, true).write(files, summary);
        Gate yes = gate(command, bin);
        assertEquals(0, yes.code, yes.err);
        assertEquals(1, yes.out.strip().lines().count(), yes.out);
        assertTrue(yes.out.startsWith("retrain recommended for " + DAY + " (dt=" + DS + "): dt=" + DS + ": s01 PSI"),
                yes.out);
        List<String> submitted = Files.readAllLines(log);
        assertEquals(List.of("--master", "local[1]", "--class", "dev.lakead.jobs.LakeadCli", jar,
                "retrain-recommended", "--config", conf, "--where", DAY), submitted, "runs on the Airflow worker");

        summaryOf(DAY, false).write(files, summary);
        Gate no = gate(command, bin);
        assertEquals(99, no.code, "Airflow skips on 99: " + no.err);
        assertTrue(no.out.startsWith("retrain not recommended for " + DAY), no.out);

        summaryOf("dt = '2026-11-27'", true).write(files, summary);
        Gate stale = gate(command, bin);
        assertEquals(2, stale.code, "another day's summary never triggers a retrain: " + stale.out);
        assertEquals("", stale.out.strip());
        assertTrue(stale.err.contains("lakead retrain-recommended: error: Drift summary " + summary
                + " was written for drift.where \"dt = '2026-11-27'\""), stale.err);

        // a missing summary (exit 2 too) and other bad input: RetrainRecommendedJobTest, in process
    }

    private static DriftSummary summaryOf(String where, boolean drifted) {
        String day = where.substring(where.indexOf('\'') + 1, where.lastIndexOf('\''));
        return new DriftSummary("hdfs:///lake/lakead/models/sensors-ae/v3", where, "dt", List.of(day),
                "dt >= '2026-10-01' AND dt < '2026-11-01'", drifted,
                drifted ? List.of("dt=" + day + ": s01 PSI 0.412, KS 0.301") : List.of(), 14,
                "hdfs:///lake/lakead/anomaly_drift", "2026-11-29T00:41:07Z");
    }

    private record Gate(int code, String out, String err) {
    }

    private static Gate gate(String command, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(bin.toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        File err = File.createTempFile("gate", ".err", bin.toFile());
        pb.redirectError(err);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the gate finished");
        String errText = Files.readString(err.toPath());
        Files.delete(err.toPath());
        return new Gate(p.exitValue(), out, errText);
    }

    @Test
    void aBrokenInvocationIsRejectedByTheSameCheck() {
        CliRun r = CliRun.of("drift", "--config", new File(ROOT, "conf/example-sensors.conf").getPath(),
                "--dry-run");
        assertEquals(2, r.exitCode(), "drift without --where: " + r.out());
        assertTrue(r.err().contains("drift.where"), r.err());
    }
}
