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
                MonitorJob.class, DriftJob.class, RetrainRecommendedJob.class, PromoteJob.class, SqlJob.class,
                DemoJob.class, GenerateJob.class, CommandLine.HelpCommand.class})
public final class LakeadCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LakeadCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                LakeadCli::commandList);
        return cli;
    }

    /**
     * The jobs with their whole descriptions, wrapped: picocli's own list shows only each description's first line,
     * which leaves most of them mid-sentence.
     */
    static String commandList(CommandLine.Help help) {
        int width = help.commandSpec().usageMessage().width();
        int nameWidth = 2 + help.subcommands().keySet().stream().mapToInt(String::length).max().orElse(10) + 2;
        CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(help.colorScheme(),
                new CommandLine.Help.Column(nameWidth, 2, CommandLine.Help.Column.Overflow.SPAN),
                new CommandLine.Help.Column(Math.max(20, width - nameWidth), 2,
                        CommandLine.Help.Column.Overflow.WRAP));
        for (java.util.Map.Entry<String, CommandLine.Help> e : help.subcommands().entrySet()) {
            String[] lines = e.getValue().commandSpec().usageMessage().description();
            table.addRowValues(e.getKey(), String.join(" ", lines).replaceAll("\\s+", " ").trim());
        }
        return table.toString();
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
