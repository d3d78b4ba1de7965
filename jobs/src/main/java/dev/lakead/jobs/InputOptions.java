package dev.lakead.jobs;

import picocli.CommandLine.Option;

/** The input table options shared by the jobs that read one. */
final class InputOptions {
    @SettingKey("input.path")
    @Option(names = "--input", paramLabel = "PATH", description = "Input table: Parquet directory or CSV (input.path).")
    String path;

    @SettingKey("input.format")
    @Option(names = "--format", paramLabel = "parquet|csv", description = "Input format (input.format).")
    String format;

    @SettingKey("input.where")
    @Option(names = "--where", paramLabel = "SQL",
            description = "Rows/partitions to read, e.g. \"dt = '2026-11-29'\" (input.where).")
    String where;
}
