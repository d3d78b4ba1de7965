package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.DriftStep;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Measure the drift of recent partitions.",
                "Compare recent partitions with the model's training reference: per-feature PSI and KS,",
                "the score distribution and the anomaly rate. Writes the drift table and a summary with",
                "retrain_recommended; exit code 3 with --fail-on-drift when retraining is recommended."})
final class DriftJob extends SparkJob {
    static final int DRIFT_EXIT = 3;

    @SettingKey("input.path")
    @Option(names = "--input", paramLabel = "PATH", description = "input.path")
    String input;
    @SettingKey("input.table")
    @Option(names = "--input-table", paramLabel = "DB.TABLE", description = "Input table by catalog name (input.table).")
    String inputTable;
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", description = "Bundle directory (model.path); default the promoted or latest one.")
    String model;
    @SettingKey("drift.where")
    @Option(names = "--where", paramLabel = "SQL", description = "Recent rows, e.g. \"dt = '2026-11-06'\" (drift.where).")
    String where;
    @SettingKey("drift.reference-where")
    @Option(names = "--reference-where", paramLabel = "SQL", description = "drift.reference-where (default: the bundle's training filter)")
    String referenceWhere;
    @SettingKey("drift.output-path")
    @Option(names = "--output", paramLabel = "PATH", description = "drift.output-path")
    String output;
    @Option(names = "--fail-on-drift", description = "Exit with code 3 when retraining is recommended (for schedulers).")
    boolean failOnDrift;

    private boolean drifted;

    @Override
    protected void validate(Settings s) {
        dev.lakead.pipeline.DriftConfig.where(s);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        DriftStep.Result r = DriftStep.run(ctx);
        out.printf("%s%ndrift_table: %s (%d rows)%nsummary: %s%nretrain_recommended: %s%n", r.audit().summary(),
                r.tablePath(), r.rows(), r.summaryPath(), r.retrainRecommended());
        r.reasons().forEach(reason -> out.println("  " + reason));
        drifted = r.retrainRecommended();
    }

    @Override
    public Integer call() {
        int rc = super.call();
        return rc == 0 && failOnDrift && drifted ? DRIFT_EXIT : rc;
    }
}
