package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ScoreStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a table with a model bundle on the executors (batches of rows per network call) and",
                "write one row per input row to the partitioned score table; rescored partitions are replaced."})
final class ScoreJob extends SparkJob {
    @Option(names = "--input", paramLabel = "PATH", description = "input.path")
    String input;
    @Option(names = "--format", paramLabel = "parquet|csv", description = "input.format")
    String format;
    @Option(names = "--where", paramLabel = "SQL", description = "Which rows/partitions to score, e.g. \"dt = '2026-11-29'\" (input.where).")
    String where;
    @Option(names = "--model", paramLabel = "PATH", description = "Bundle directory (model.path); default the latest under model.root/model.name.")
    String model;
    @Option(names = "--output", paramLabel = "PATH", description = "Score table directory (score.output-path).")
    String output;
    @Option(names = "--table", paramLabel = "NAME", description = "Catalog table name (score.table-name).")
    String table;
    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per network call (score.batch-size).")
    Integer batchSize;

    @Override
    protected Map<String, String> flagSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        putIfSet(m, "input.path", input);
        putIfSet(m, "input.format", format);
        putIfSet(m, "input.where", where);
        putIfSet(m, "model.path", model);
        putIfSet(m, "score.output-path", output);
        putIfSet(m, "score.table-name", table);
        putIfSet(m, "score.batch-size", batchSize);
        return m;
    }

    @Override
    protected void validate(Settings s) {
        s.required("input.path");
        s.required("score.output-path");
        s.positiveInt("score.batch-size");
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        ScoreStep.Result r = ScoreStep.run(ctx);
        out.printf("model: %s (%s)%nscore_table: %s%n", r.bundle().path(), r.bundle().threshold().describe(),
                r.outputPath());
        if (!r.tableName().isBlank()) {
            out.printf("catalog table: %s%n", r.tableName());
        }
    }
}
