package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.pipeline.JobContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs SQL against the session catalog (the score tables the jobs registered) or straight over files
 * ({@code SELECT … FROM parquet.`/path`}). The last statement's result is printed as a table or written as
 * CSV / JSON / Parquet for notebooks and scripts.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run SQL over the score tables; print or export.",
                "Run SQL over the score tables (or parquet.`path`); print the last result or write it out.",
                "Statements are separated by ';'."})
final class SqlJob extends SparkJob {
    enum Format { table, csv, json, parquet }

    @Parameters(paramLabel = "SQL", arity = "0..*", description = "SQL statement(s); ';' separates several.")
    List<String> statements = new ArrayList<>();
    @Option(names = {"-f", "--file"}, paramLabel = "FILE|URI",
            description = "Read the SQL from a file: a local path or a Hadoop URI (hdfs://, s3a://, file:/...).")
    String file;
    @Option(names = "--output", paramLabel = "PATH", description = {"Write the last result here (a folder for csv/json/parquet) instead of printing it;",
            "statements named by a '-- name: x' line (in --file) are each written to PATH/x."})
    String output;
    @Option(names = "--format", defaultValue = "table", description = "table, csv, json or parquet. Default: ${DEFAULT-VALUE}.")
    Format format;
    @Option(names = "--max-rows", defaultValue = "100", description = "Rows printed in table format. Default: ${DEFAULT-VALUE}.")
    int maxRows;

    /** A statement and the name from its "-- name: x" comment line (null when unnamed). */
    record Statement(String name, String sql) {
    }

    List<String> sqlStatements() {
        return statements().stream().map(Statement::sql).toList();
    }

    List<Statement> statements() {
        StringBuilder text = new StringBuilder(String.join(";\n", statements));
        if (file != null) {
            text.append(";\n").append(readFile(file));
        }
        List<Statement> out = new ArrayList<>();
        for (String s : text.toString().split(";")) {
            String name = null;
            StringBuilder sql = new StringBuilder();
            for (String line : s.split("\n")) {
                String t = line.strip();
                if (t.startsWith("-- name:")) {
                    name = t.substring("-- name:".length()).strip();
                } else if (!t.startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            if (!sql.toString().isBlank()) {
                out.add(new Statement(name, sql.toString().strip()));
            }
        }
        if (out.isEmpty()) {
            throw new LakeadException("no SQL given (pass a statement or --file)");
        }
        return out;
    }

    /** A local path as before; a URI through Hadoop, so that the file can sit on HDFS next to the settings. */
    static String readFile(String file) {
        try {
            if (new org.apache.hadoop.fs.Path(file).toUri().getScheme() == null) {
                return Files.readString(Path.of(file));
            }
            return hadoopFiles().readString(file);
        } catch (IOException | LakeadException | IllegalArgumentException e) {
            String why = String.valueOf(e instanceof LakeadException && e.getCause() != null
                    ? e.getCause().getMessage() : e.getMessage());
            // one line: HDFS's messages carry the NameNode's stack trace
            throw new LakeadException("cannot read SQL file " + file + ": " + why.lines().findFirst().orElse(""));
        }
    }

    @Override
    protected void validate(dev.lakead.config.Settings settings) {
        sqlStatements();
        if (format != Format.table && output == null) {
            throw new LakeadException("--format " + format + " needs --output");
        }
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        Dataset<Row> last = null;
        List<Statement> all = statements();
        boolean named = all.stream().anyMatch(st -> st.name() != null);
        for (Statement statement : all) {
            try {
                last = ctx.spark().sql(statement.sql());
            } catch (Exception e) {
                if (!(e instanceof AnalysisException)) {
                    throw e;
                }
                throw new LakeadException("SQL failed" + (statement.name() == null ? "" : " (" + statement.name() + ")")
                        + ": " + e.getMessage().lines().findFirst().orElse("") + " (in: "
                        + statement.sql().strip().replaceAll("\\s+", " ") + ")"); // one line, however long the SQL
            }
            if (output != null && statement.name() != null) {
                write(last, output + "/" + statement.name(), out);
            }
        }
        if (output == null) {
            out.print(last.showString(maxRows, 0, false));
        } else if (!named) {
            write(last, output, out);
        }
    }

    private void write(Dataset<Row> result, String path, PrintWriter out) {
        var writer = result.coalesce(1).write().mode(SaveMode.Overwrite);
        switch (format) {
            case csv -> writer.option("header", "true").csv(path);
            case json -> writer.json(path);
            case parquet, table -> writer.parquet(path);
        }
        out.printf("written: %s (%s)%n", path, format == Format.table ? "parquet" : format);
    }
}
