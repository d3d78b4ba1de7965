package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ScoreStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a table into the partitioned score table.",
                "Score a table with a model bundle on the executors (batches of rows per network call) and",
                "write one row per input row to the partitioned score table; rescored partitions are replaced."})
final class ScoreJob extends SparkJob {
    @Mixin
    InputOptions input;
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", description = "Bundle directory (model.path); default the latest under model.root/model.name.")
    String model;
    @SettingKey("score.output-path")
    @Option(names = "--output", paramLabel = "PATH", description = "Score table directory (score.output-path).")
    String output;
    @SettingKey("score.table-name")
    @Option(names = "--table", paramLabel = "NAME", description = "Catalog table name (score.table-name).")
    String table;
    @SettingKey("score.batch-size")
    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per network call (score.batch-size).")
    Integer batchSize;
    @SettingKey("score.mode")
    @Option(names = "--score-mode", paramLabel = "MODE",
            description = "Score mode of models with several (anogan: search or encoder); default the bundle's (score.mode).")
    String scoreMode;

    @Override
    protected void validate(Settings s) {
        dev.lakead.io.TableReader.requireInput(s);
        s.required("score.output-path");
        dev.lakead.models.ScoringOptions.from(s);
        dev.lakead.io.TableReader.format(s);
        dev.lakead.io.InputAudit.validate(s);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        ScoreStep.Result r = ScoreStep.run(ctx);
        out.printf("model: %s%nthreshold: %s, version t%d%n%s%nscore_table: %s%nrun_record: %s%n", r.bundle().path(),
                r.threshold().describe(), r.bundle().thresholdVersion(), r.audit().summary(), r.outputPath(),
                r.runRecord());
        if (!r.tableName().isBlank()) {
            out.printf("catalog table: %s%n", r.tableName());
        }
    }
}
