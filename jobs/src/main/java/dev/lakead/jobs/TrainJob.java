package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ModelConfig;
import dev.lakead.pipeline.PreparedData;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.training.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model and write a versioned model bundle.",
                "Train a model on the prepared features on the Spark executors (DL4J parameter averaging),",
                "set its threshold from the training scores and write a versioned model bundle."})
final class TrainJob extends SparkJob {
    @SettingKey("prepared.path")
    @Option(names = "--prepared", paramLabel = "PATH", description = "Prepared data from the preprocess job (prepared.path).")
    String prepared;
    @SettingKey("model.root")
    @Option(names = "--model-root", paramLabel = "PATH", description = "Bundle root directory (model.root).")
    String root;
    @SettingKey("model.name")
    @Option(names = "--model-name", paramLabel = "NAME", description = "model.name")
    String name;
    @SettingKey("model.version")
    @Option(names = "--model-version", paramLabel = "VERSION", description = "Version to write; default the next vN (model.version).")
    String version;
    @SettingKey("train.epochs")
    @Option(names = "--epochs", paramLabel = "N", description = "train.epochs")
    Integer epochs;

    @Override
    protected void validate(Settings s) {
        PreparedData.path(s);
        ModelConfig model = ModelConfig.from(s);
        model.requiredName();
        TrainingOptions.from(s);
        dev.lakead.models.ModelFamilies.get(model.type()).validate(s);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        TrainStep.Result r = TrainStep.run(ctx);
        var h = r.trained().history();
        out.printf("model: %s%nepochs: %d, loss %.6f -> %.6f, %d training samples/s%nthreshold: %s%n",
                r.bundle().path(), h.epochs().size(), h.firstLoss(), h.lastLoss(), Math.round(h.samplesPerSecond()),
                r.bundle().threshold().describe());
    }

}
