package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.io.SparkSessions;
import dev.lakead.pipeline.JobContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Base of every job command: layers the settings (defaults &lt; --config &lt; --set &lt; the job's own flags),
 * starts Spark, runs the step and turns user errors into one clear line and exit code 2.
 */
abstract class SparkJob implements Callable<Integer> {
    static final int USER_ERROR = 2;

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    /** The job's own flags as settings (only those the user gave). */
    protected Map<String, String> flagSettings() {
        return new LinkedHashMap<>();
    }

    /** Optional classpath config layered under --config (the demo's settings). */
    protected String presetResource() {
        return null;
    }

    protected abstract void run(JobContext ctx, PrintWriter out);

    /** Extra validation that needs no Spark (run in --dry-run too). */
    protected void validate(Settings settings) {
    }

    Settings settings() {
        Map<String, String> all = new LinkedHashMap<>(options.overrides);
        if (options.master != null) {
            all.put("spark.master", options.master);
        }
        all.putAll(flagSettings());
        return Settings.load(presetResource(), options.config, all);
    }

    @Override
    public Integer call() {
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
            SparkSession spark = SparkSessions.getOrCreate(settings, job);
            try {
                run(JobContext.of(spark, settings), out);
            } finally {
                out.flush();
                spark.stop();
            }
            return 0;
        } catch (LakeadException e) {
            err.println("lakead " + job + ": error: " + e.getMessage());
            err.flush();
            return USER_ERROR;
        }
    }

    static void putIfSet(Map<String, String> m, String key, Object value) {
        if (value != null) {
            m.put(key, String.valueOf(value));
        }
    }
}
