package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.pipeline.EvaluateConfig;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a score table against its labels.",
                "Evaluate a score table against labels: classification report, confusion matrix, ROC-AUC",
                "and PR-AUC, printed and written as report.json."})
final class EvaluateJob extends SparkJob {
    @SettingKey("evaluate.input-path")
    @Option(names = "--scores", paramLabel = "PATH", description = "Score table directory (evaluate.input-path; default score.output-path).")
    String scores;
    @SettingKey("evaluate.label-column")
    @Option(names = "--label", paramLabel = "COL", description = "evaluate.label-column")
    String label;
    @SettingKey("evaluate.labels-path")
    @Option(names = "--labels", paramLabel = "PATH", description = "Parquet table with the labels when the score table has none (evaluate.labels-path).")
    String labels;
    @SettingKey("evaluate.join-columns")
    @Option(names = "--join", split = ",", paramLabel = "COL", description = "Columns to join the labels on (evaluate.join-columns).")
    String[] join;
    @SettingKey("evaluate.where")
    @Option(names = "--where", paramLabel = "SQL", description = "Rows of the score table to evaluate (evaluate.where).")
    String where;
    @SettingKey("evaluate.output-dir")
    @Option(names = "--output", paramLabel = "DIR", description = "Report folder (evaluate.output-dir).")
    String output;

    @Override
    protected void validate(Settings s) {
        EvaluateConfig.labelColumn(s);
        EvaluateConfig.outputDir(s);
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        EvaluateStep.Result r = EvaluateStep.run(ctx);
        out.print(r.metrics().toText());
        if (r.pointAdjusted() != null) {
            out.printf("%npoint-adjusted (a labelled segment counts as detected when any of its records is flagged):%n");
            out.print(r.pointAdjusted().toText());
        }
        out.printf("report: %s%nreport_html: %s%n", r.reportPath(), r.htmlPath());
    }
}
