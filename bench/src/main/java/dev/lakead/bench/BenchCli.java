package dev.lakead.bench;

import dev.lakead.jobs.LakeadCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the benchmark jobs: {@code scripts/lakead bench-<name> [options]} runs this class on the bench
 * module's classpath with an embedded local Spark (bench/README.md). They are not in the operator's jar or its
 * {@code lakead --help}: those hold the production jobs ({@link LakeadCli}).
 */
@Command(name = "lakead", mixinStandardHelpOptions = true, versionProvider = LakeadCli.Version.class,
        description = "lakead's benchmarks (bench/README.md; the bench/*.sh scripts run them with their settings).",
        footer = {"", "Each benchmark's options and its whole description: lakead <bench-job> --help."},
        subcommands = {BenchScoringJob.class, BenchPerfJob.class, BenchBlasJob.class, BenchRealtimeJob.class,
                BenchTabularJob.class, BenchSkabJob.class, BenchTsJob.class, BenchAnoGanJob.class,
                BenchTestcheckJob.class, BenchSqlJob.class, CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new BenchCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
