package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.ConfigLocation;
import dev.lakead.config.Settings;
import dev.lakead.io.HadoopFiles;
import dev.lakead.io.SparkProgress;
import dev.lakead.io.SparkSessions;
import dev.lakead.pipeline.JobContext;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Base of every job command: layers the settings (defaults &lt; --config &lt; --set &lt; the job's own flags),
 * starts Spark, runs the step and turns user errors into one clear line and exit code 2. Public for the jobs of other
 * modules (the benchmarks, bench/).
 */
public abstract class SparkJob implements Callable<Integer> {
    static final int USER_ERROR = 2;
    /** Exit code of a failure that is not the user's mistake (a bug, a lost cluster, a full disk). */
    static final int UNEXPECTED_FAILURE = 1;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    /** The options marked {@link SettingKey} that the user gave, as settings (this class and its mixins). */
    Map<String, String> flagSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        collectSettings(this, m);
        return m;
    }

    private static void collectSettings(Object holder, Map<String, String> into) {
        for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                try {
                    f.setAccessible(true);
                    Object value = f.get(holder);
                    if (f.isAnnotationPresent(SettingKey.class)) {
                        if (value instanceof Object[] arr) {
                            value = String.join(",", Arrays.stream(arr).map(String::valueOf).toList());
                        }
                        if (value != null) {
                            into.put(f.getAnnotation(SettingKey.class).value(), String.valueOf(value));
                        }
                    } else if (f.isAnnotationPresent(Mixin.class) && value != null && value != holder) {
                        collectSettings(value, into);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The --set overrides as given, e.g. to layer them again over settings of the job's own. */
    protected Map<String, String> setOverrides() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options.overrides));
    }

    /** Classpath configs layered under --config, later ones winning (the demo's settings). */
    protected List<String> presetResources() {
        return List.of();
    }

    protected abstract void run(JobContext ctx, PrintWriter out);

    /** Extra validation that needs no Spark (run in --dry-run too). */
    protected void validate(Settings settings) {
    }

    /**
     * Defaults &lt; presets &lt; --config &lt; --conf spark.lakead.* &lt; --set &lt; the job's own flags. Under
     * spark-submit the Spark properties (and so spark.files and spark.hadoop.*) are this JVM's system properties,
     * in any deploy mode; the embedded launcher has none.
     */
    Settings settings() {
        SparkConf submitted = new SparkConf();
        ConfigLocation.ConfigFile file = options.config == null ? null : ConfigLocation.read(options.config,
                hadoopConf(submitted), shippedFiles(submitted));
        Map<String, String> all = new LinkedHashMap<>(options.overrides);
        if (options.master != null) {
            all.put("spark.master", options.master);
        }
        all.putAll(flagSettings());
        Map<String, String> sparkProperties = new LinkedHashMap<>();
        for (scala.Tuple2<String, String> kv : submitted.getAll()) {
            sparkProperties.put(kv._1(), kv._2());
        }
        return Settings.load(presetResources(), file, Map.of()).withSparkProperties(sparkProperties).with(all);
    }

    /** The URIs given to spark-submit --files (spark.files; YARN's spark.yarn.dist.files). */
    static List<String> shippedFiles(SparkConf conf) {
        List<String> out = new java.util.ArrayList<>();
        for (String key : List.of("spark.files", "spark.yarn.dist.files")) {
            for (String uri : conf.get(key, "").split(",")) {
                if (!uri.isBlank()) {
                    out.add(uri.trim());
                }
            }
        }
        return out;
    }

    /**
     * Runs the job once its settings are valid and returns its exit code: starts Spark and calls {@link #run}. A job
     * that needs no Spark (it reads a small file through Hadoop's FileSystem, {@link #hadoopFiles()}) overrides it.
     */
    protected int execute(Settings settings, PrintWriter out) {
        SparkSession spark = SparkSessions.getOrCreate(settings, spec.name());
        try (SparkProgress progress = SparkProgress.start(spark, "lakead " + spec.name())) {
            run(JobContext.of(spark, settings), out);
        } finally {
            out.flush();
            spark.stop();
        }
        return 0;
    }

    /**
     * Files on any Hadoop file system (hdfs://, s3a://, file:/, a plain path) without a SparkContext: the Hadoop
     * configuration of this JVM (HADOOP_CONF_DIR under spark-submit) with spark-submit's spark.hadoop.* applied.
     */
    static HadoopFiles hadoopFiles() {
        return new HadoopFiles(hadoopConf(new SparkConf()));
    }

    static org.apache.hadoop.conf.Configuration hadoopConf(SparkConf submitted) {
        return SparkHadoopUtil.get().newConfiguration(submitted);
    }

    @Override
    public Integer call() {
        return guarded(this::execute);
    }

    /**
     * Runs the job on a session the caller owns and keeps (not stopped afterwards): the settings, --dry-run, errors
     * and exit codes of {@link #call()}. For running jobs inside a Spark application that is already up, e.g. several
     * jobs of a test on one session. Needs a job parsed by picocli (its options set).
     */
    public int callOn(SparkSession spark) {
        return guarded((settings, out) -> {
            run(JobContext.of(spark, settings), out);
            return 0;
        });
    }

    private interface Execution {
        int run(Settings settings, PrintWriter out);
    }

    private int guarded(Execution execution) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String job = spec.name();
        try {
            Settings settings = settings();
            validate(settings);
            if (options.dryRun) {
                out.println("lakead " + job + ": arguments and settings are valid (dry run)");
                out.println(settings.render());
                out.flush();
                return 0;
            }
            int rc = execution.run(settings, out);
            out.flush();
            return rc;
        } catch (Exception e) { // Spark's Scala code throws SparkException (checked) undeclared
            LakeadException userError = userError(e);
            if (userError != null) {
                err.println("lakead " + job + ": error: " + userError.getMessage());
                err.flush();
                return USER_ERROR;
            }
            // not the user's mistake: the whole trace goes to the log, the console gets one line saying where
            LOG.error("lakead {} failed", job, e);
            err.println("lakead " + job + ": failed unexpectedly: " + oneLine(e) + " (the stack trace is in the"
                    + " driver's log, logger " + SparkJob.class.getName() + ")");
            err.flush();
            return UNEXPECTED_FAILURE;
        }
    }

    /**
     * The user error behind a failure, if there is one: a {@link LakeadException} thrown inside a Spark task (for
     * example a value a setting forbids, found while reading a partition) reaches the driver as the cause of a
     * SparkException.
     */
    static LakeadException userError(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof LakeadException le) {
                return le;
            }
        }
        return null;
    }

    /** The root cause's type and the first line of its message. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().strip().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

}
