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
        footer = {"", "Each job's options and its whole description: lakead <job> --help."},
        subcommands = {PreprocessJob.class, TrainJob.class, ThresholdJob.class, ScoreJob.class, EvaluateJob.class,
                MonitorJob.class, DriftJob.class, RetrainRecommendedJob.class, PromoteJob.class, SqlJob.class,
                DemoJob.class, GenerateJob.class, CommandLine.HelpCommand.class})
public final class LakeadCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line; {@code lakead --help} lists each job with the first line of its description, a whole
     * sentence that fits on one line (the job's own --help shows the rest).
     */
    public static CommandLine commandLine() {
        return new CommandLine(new LakeadCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** "lakead &lt;version&gt;", for -V. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"lakead " + CodeVersion.get()};
        }
    }
}
