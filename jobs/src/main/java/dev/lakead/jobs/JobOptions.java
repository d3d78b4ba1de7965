package dev.lakead.jobs;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Options every job takes: the config file, setting overrides and the Spark master. */
public final class JobOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE|URI",
            description = {"HOCON settings file layered over the defaults (see conf/lakead-defaults.conf): a local path,",
                    "a Hadoop URI (hdfs://, s3a://, abfs://, file:/...) or the name of a file shipped with --files.",
                    "Settings can also come from Spark properties: --conf spark.lakead.<key>=VALUE."})
    String config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one setting, e.g. --set train.epochs=30 --set features.columns=a,b,c. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master for local runs (default local[*]). Under spark-submit its own --master wins.")
    String master;

    @Option(names = "--dry-run",
            description = "Parse and validate the arguments and settings, print the effective settings, run nothing.")
    boolean dryRun;
}
