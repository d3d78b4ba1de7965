package dev.lakead.jobs;

import picocli.CommandLine.Option;

/** The input table options shared by the jobs that read one. */
final class InputOptions {
    @SettingKey("input.path")
    @Option(names = "--input", paramLabel = "PATH", description = "Input table: Parquet directory, CSV or JSON lines (input.path).")
    String path;

    @SettingKey("input.table")
    @Option(names = "--input-table", paramLabel = "DB.TABLE",
            description = "Input table by catalog name instead of a path: db.table (Hive/Parquet, Delta) or iceberg.db.table (input.table).")
    String table;

    @SettingKey("input.format")
    @Option(names = "--format", paramLabel = "parquet|csv|json", description = "Input format (input.format).")
    String format;

    @SettingKey("input.where")
    @Option(names = "--where", paramLabel = "SQL",
            description = "Rows/partitions to read, e.g. \"dt = '2026-11-29'\" (input.where).")
    String where;

    @SettingKey("input.malformed")
    @Option(names = "--malformed", paramLabel = "impute|drop|fail",
            description = "Rows that do not parse or hold null/NaN/Inf features: impute, drop or fail (input.malformed).")
    String malformed;
}
