package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreparedData;
import dev.lakead.pipeline.ThresholdAdjustStep;
import dev.lakead.pipeline.ThresholdConfig;
import dev.lakead.pipeline.ThresholdStep;
import dev.lakead.thresholds.Threshold;
import dev.lakead.thresholds.ThresholdCalculator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "threshold", mixinStandardHelpOptions = true,
        description = {"Set a bundle's next threshold version.",
                "Earlier versions are kept. The threshold comes",
                "  from the training scores (percentile | mean-std), or a labelled validation table",
                "  (youden | max-f1 | target-fpr; threshold.validation.*), optionally per segment;",
                "  --from-scores: re-adjust from recent scored partitions and optionally --relabel them;",
                "  --activate N: make threshold version N active again."})
final class ThresholdJob extends SparkJob {
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", description = "Bundle directory (model.path); default the latest under model.root/model.name.")
    String model;
    @SettingKey("prepared.path")
    @Option(names = "--prepared", paramLabel = "PATH", description = "prepared.path")
    String prepared;
    @SettingKey("threshold.method")
    @Option(names = "--method", paramLabel = "METHOD", description = "threshold.method: percentile, mean-std, pot, youden, max-f1, target-fpr")
    String method;
    @SettingKey("threshold.percentile")
    @Option(names = "--percentile", paramLabel = "P", description = "threshold.percentile, e.g. 0.95")
    Double percentile;
    @SettingKey("threshold.k")
    @Option(names = "--k", paramLabel = "K", description = "threshold.k for mean + k*sigma")
    Double k;
    @SettingKey("threshold.target-fpr")
    @Option(names = "--target-fpr", paramLabel = "RATE", description = "threshold.target-fpr, e.g. 0.05")
    Double targetFpr;
    @SettingKey("threshold.validation.path")
    @Option(names = "--validation", paramLabel = "PATH", description = "Labelled validation table (threshold.validation.path).")
    String validation;
    @SettingKey("threshold.validation.table")
    @Option(names = "--validation-table", paramLabel = "DB.TABLE",
            description = "Labelled validation table by catalog name, Hive/Parquet, Delta or Iceberg (threshold.validation.table).")
    String validationTable;
    @SettingKey("threshold.validation.label-column")
    @Option(names = "--label", paramLabel = "COL", description = "threshold.validation.label-column")
    String label;
    @SettingKey("threshold.segment-column")
    @Option(names = "--segment", paramLabel = "COL", description = "One threshold per value of this column (threshold.segment-column).")
    String segment;
    @Option(names = "--from-scores", description = "Re-adjust from the score table's recent partitions (threshold.adjust.*).")
    boolean fromScores;
    @SettingKey("threshold.adjust.where")
    @Option(names = "--where", paramLabel = "SQL", description = "With --from-scores: which scored rows, e.g. \"dt >= '2026-11-01'\" (threshold.adjust.where).")
    String where;
    @SettingKey("threshold.adjust.relabel")
    @Option(names = "--relabel", arity = "0", description = "With --from-scores: rewrite is_anomaly/threshold of those partitions (threshold.adjust.relabel).")
    Boolean relabel;
    @Option(names = "--activate", paramLabel = "N", description = "Make threshold version N of the bundle active again.")
    Integer activate;

    @Override
    protected void validate(Settings s) {
        String m = ThresholdCalculator.method(s);
        if (activate == null && !fromScores) {
            PreparedData.path(s);
            ThresholdConfig validation = ThresholdConfig.from(s);
            if (ThresholdCalculator.needsLabels(m) && validation.validationPath().isBlank()
                    && validation.validationTable().isBlank()) {
                throw new LakeadException("Threshold method '" + m + "' needs a labelled validation table:"
                        + " set --validation or 'threshold.validation.path', or --validation-table or"
                        + " 'threshold.validation.table'");
            }
        }
        if (fromScores && ThresholdCalculator.needsLabels(m) && s.string("threshold.adjust.label-column").isBlank()) {
            throw new LakeadException("Threshold method '" + m + "' with --from-scores needs labels:"
                    + " set 'threshold.adjust.label-column'");
        }
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        if (activate != null) {
            ModelBundle b = ctx.loadBundle().activateThreshold(ctx.files(), activate);
            out.printf("threshold: %s (version t%d active)%n", b.threshold().describe(), b.thresholdVersion());
        } else if (fromScores) {
            ThresholdAdjustStep.Result r = ThresholdAdjustStep.run(ctx);
            out.printf("threshold: %s (version t%d active; was %s)%n", r.threshold().describe(), r.version(),
                    r.previous().describe());
            out.printf("from %d scored rows; re-labelled %d rows, %d decisions changed%n", r.scoredRows(),
                    r.relabelledRows(), r.changedDecisions());
        } else {
            Threshold t = ThresholdStep.run(ctx);
            out.printf("threshold: %s%n", t.describe());
        }
    }
}
