package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.pipeline.DriftConfig;
import dev.lakead.pipeline.DriftSummary;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * The scheduler's drift gate. Reads the drift job's summary through Hadoop's FileSystem (no SparkSession, so it runs
 * in a second on the scheduler's machine: {@code spark-submit --master local[1]} or the launcher) and answers with its
 * exit code, because in cluster deploy mode the drift job's own exit code does not reach spark-submit. It answers only
 * for the filter the summary was written for: a summary of another day (a stale one, or a concurrent run's) is an
 * error, never a decision.
 */
@Command(name = "retrain-recommended", mixinStandardHelpOptions = true,
        description = {"Print the drift summary's retraining decision.",
                "Read the drift summary (drift.summary-path) of the rows --where selects, without Spark, and",
                "print the decision in one line. Exit code 0: retraining recommended; 99: not recommended (Airflow's",
                "BashOperator skips on 99); 2: no summary, or the summary is of another filter than --where."})
final class RetrainRecommendedJob extends SparkJob {
    static final int RECOMMENDED = 0;
    static final int NOT_RECOMMENDED = 99;

    @SettingKey("drift.where")
    @Option(names = "--where", paramLabel = "SQL",
            description = "The filter the drift job ran with, e.g. \"dt = '2026-11-06'\" (drift.where).")
    String where;
    @SettingKey("drift.summary-path")
    @Option(names = "--summary", paramLabel = "URI", description = "drift.summary-path (any Hadoop URI).")
    String summary;

    @Override
    protected void validate(Settings s) {
        DriftConfig.where(s);
        DriftConfig.summaryPath(s);
    }

    @Override
    protected int execute(Settings s, PrintWriter out) {
        String recentWhere = DriftConfig.where(s);
        String path = DriftConfig.summaryPath(s);
        DriftSummary d = DriftSummary.read(hadoopFiles(), path);
        String source = " [" + path + ", computed " + d.computedAt() + "]";
        if (!d.isFor(recentWhere)) {
            throw new LakeadException("Drift summary " + path + " was written for drift.where \"" + d.where()
                    + "\" (computed " + d.computedAt() + "), not for \"" + recentWhere + "\": run drift --where \""
                    + recentWhere + "\" first");
        }
        String checked = recentWhere + (d.partitions().isEmpty() ? "" : " (" + d.partitionColumn() + "="
                + String.join(",", d.partitions()) + ")");
        if (d.retrainRecommended()) {
            out.println("retrain recommended for " + checked + ": " + String.join("; ", d.reasons()) + source);
            return RECOMMENDED;
        }
        out.println("retrain not recommended for " + checked + ": no feature, score or anomaly-rate drift" + source);
        return NOT_RECOMMENDED;
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        throw new UnsupportedOperationException("retrain-recommended runs without Spark");
    }
}
