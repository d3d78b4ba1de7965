package dev.lakead.jobs;

import dev.lakead.CodeVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of every lakead job: {@code lakead <job> [options]}. Run it with scripts/lakead (embedded Spark or
 * spark-submit), or directly with spark-submit --class dev.lakead.jobs.LakeadCli lakead-jobs-*-shaded.jar.
 */
@Command(name = "lakead", mixinStandardHelpOptions = true, versionProvider = LakeadCli.Version.class,
        description = "Deep-learning anomaly detection on Spark: preprocess -> train -> threshold -> score -> evaluate -> monitor.",
        subcommands = {PreprocessJob.class, TrainJob.class, ThresholdJob.class, ScoreJob.class, EvaluateJob.class,
                MonitorJob.class, DemoJob.class, GenerateJob.class, BenchScoringJob.class, BenchTabularJob.class,
                BenchSkabJob.class, BenchTsJob.class, BenchAnoGanJob.class, SqlJob.class, DriftJob.class, RetrainRecommendedJob.class, PromoteJob.class, BenchRealtimeJob.class, BenchPerfJob.class, BenchBlasJob.class, BenchTestcheckJob.class,
                CommandLine.HelpCommand.class})
public final class LakeadCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new LakeadCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"lakead " + CodeVersion.get()};
        }
    }
}
