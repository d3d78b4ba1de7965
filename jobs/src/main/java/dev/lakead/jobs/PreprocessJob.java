package dev.lakead.jobs;

import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = {"Fit imputation and scaling, write prepared features.",
                "Both are fitted on the rows of a training table (--input, --where).",
                "Feature columns default to every numeric column that is not an id, label or partition column."})
final class PreprocessJob extends SparkJob {
    @Mixin
    InputOptions input;
    @SettingKey("features.columns")
    @Option(names = "--features", split = ",", paramLabel = "COL", description = "Feature columns in order (features.columns).")
    String[] features;
    @SettingKey("features.scaler")
    @Option(names = "--scaler", paramLabel = "standard|minmax|robust", description = "features.scaler")
    String scaler;
    @SettingKey("prepared.path")
    @Option(names = "--output", paramLabel = "PATH", description = "Prepared data directory (prepared.path).")
    String output;

    @Override
    protected void validate(dev.lakead.config.Settings s) {
        dev.lakead.io.TableReader.requireInput(s);
        dev.lakead.pipeline.PreparedData.path(s);
        dev.lakead.io.TableReader.format(s);
        dev.lakead.features.FeaturePreprocessor.scaler(s);
        dev.lakead.io.InputAudit.validate(s);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        PreprocessStep.Result r = PreprocessStep.run(ctx);
        out.printf("prepared: %s%nfeatures (%d): %s%n%s%nrows: input %d, excluded %d (all features missing), training %d%n",
                r.preparedPath(), r.featureColumns().size(), r.featureColumns(), r.audit().summary(), r.inputRows(),
                r.excludedRows(), r.trainingRows());
    }
}
