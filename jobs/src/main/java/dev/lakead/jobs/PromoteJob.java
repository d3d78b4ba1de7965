package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ModelConfig;
import dev.lakead.pipeline.PromoteStep;
import dev.lakead.pipeline.ThresholdConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promote a challenger bundle over the champion.",
                "Champion / challenger: promote the challenger (--model, default the latest version) if it",
                "is at least as good as the current champion on the labelled validation table; jobs without a",
                "version then use the champion. --rollback restores the previous champion."})
final class PromoteJob extends SparkJob {
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", description = "Challenger bundle (model.path); default the latest vN.")
    String model;
    @SettingKey("threshold.validation.path")
    @Option(names = "--validation", paramLabel = "PATH", description = "Labelled validation table (threshold.validation.path).")
    String validation;
    @SettingKey("threshold.validation.table")
    @Option(names = "--validation-table", paramLabel = "DB.TABLE",
            description = "Labelled validation table by catalog name (threshold.validation.table).")
    String validationTable;
    @SettingKey("promote.metric")
    @Option(names = "--metric", paramLabel = "roc-auc|pr-auc", description = "promote.metric")
    String metric;
    @Option(names = "--force", description = "Promote without comparing.")
    boolean force;
    @Option(names = "--rollback", description = "Make the previous champion the champion again.")
    boolean rollback;

    @Override
    protected void validate(Settings s) {
        ModelConfig.from(s).requiredName();
        if (!rollback && !force) {
            ThresholdConfig validation = ThresholdConfig.from(s);
            if (validation.validationTable().isBlank() && validation.validationPath().isBlank()) {
                throw new dev.lakead.LakeadException("Setting 'threshold.validation.path' is required but empty");
            }
        }
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        if (rollback) {
            out.printf("champion: %s (rolled back)%n", PromoteStep.rollback(ctx));
            return;
        }
        PromoteStep.Result r = PromoteStep.run(ctx, force);
        out.printf("challenger: %s %s=%.4f%nchampion before: %s=%.4f%n%s%nchampion: %s%n", r.challenger(), r.metric(),
                r.challengerMetric(), r.metric(), r.championMetric(), r.promoted() ? "promoted" : "not promoted",
                r.champion());
    }
}
