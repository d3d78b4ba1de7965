package dev.lakead.bench;

import dev.lakead.LakeadException;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.jobs.SparkJob;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The SKAB outlier-detection protocol (shared/datasets/README.md): per experiment the first 400 rows train, the rest
 * test; F1, false-alarm and missed-alarm rates over all test rows pooled, plus the point-adjusted F1. Runs the LSTM
 * Autoencoder in per-entity mode (one model and threshold per experiment) through the real jobs' steps.
 */
@Command(name = "bench-skab", mixinStandardHelpOptions = true,
        description = {"Measure the LSTM Autoencoder on SKAB.",
                "Benchmark: the LSTM Autoencoder on SKAB (per-experiment models), F1 / FAR / MAR next to the",
                "published leaderboard. Prints a table and a summary line."})
final class BenchSkabJob extends SparkJob {
    static final String SENSORS = "Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Temperature,Thermocouple,"
            + "Voltage,Volume Flow RateRMS";

    @Option(names = "--data-dir", defaultValue = "../shared/datasets/skab", description = "Default: ${DEFAULT-VALUE}.")
    File dataDir;
    @Option(names = "--train-rows", defaultValue = "400", description = "Rows per experiment used for training. Default: ${DEFAULT-VALUE}.")
    int trainRows;
    @Mixin
    SeriesBench.Options series = new SeriesBench.Options("bench/output/skab");

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        File csv = new File(dataDir, "skab.csv");
        if (!csv.isFile()) {
            throw new LakeadException("SKAB file " + csv + " not found (--data-dir)");
        }
        String base = series.workdir.getAbsolutePath();
        SeriesBench.Outcome o = SeriesBench.run(ctx, new SeriesBench.Spec(csv.getAbsolutePath(), "entity", "seq",
                List.of(SENSORS.split(",")), "anomaly", "entity,seq,anomaly", "seq < " + trainRows,
                "seq >= " + trainRows, "skab", base, series.modelPath), "score.feature-errors", "true");
        EvaluateStep.Result r = o.evaluation();
        double parallelism = o.entityParallelism(); // NaN when an already-trained bundle is scored
        ConfusionMatrix cm = r.metrics().confusion();
        double f1 = cm.anomaly().f1();
        double far = 100.0 * cm.fp() / Math.max(1, cm.fp() + cm.tn());
        double mar = 100.0 * cm.fn() / Math.max(1, cm.fn() + cm.tp());
        double paF1 = r.pointAdjusted().anomaly().f1();

        out.println();
        out.printf("%-34s %6s %8s %8s%n", "method (SKAB outlier protocol)", "F1", "FAR %", "MAR %");
        out.printf(Locale.ROOT, "%-34s %6.3f %8.2f %8.2f%n", "lakead LSTM-AE per entity", f1, far, mar);
        out.printf(Locale.ROOT, "%-34s %6.3f %8.2f %8.2f%n", "chapter LSTM-AE (PyTorch, README)", 0.786, 32.7, 17.1);
        out.printf("%-34s %6.2f%n", "leaderboard Conv-AE", 0.78);
        out.printf("%-34s %6.2f%n", "leaderboard LSTM-AE", 0.74);
        out.printf(Locale.ROOT, "point-adjusted F1 %.3f; ROC-AUC %.3f; %d test rows; %.0f s; settings: %s%n", paF1,
                r.metrics().rocAuc(), cm.total(), o.seconds(), o.settings());
        printWhereTheErrorsAre(ctx, base + "/scores", out);
        out.printf(Locale.ROOT, "per-entity training: sum of entity times / wall time = %.2f on %d cores%n",
                parallelism, ctx.spark().sparkContext().defaultParallelism());
        out.printf(Locale.ROOT, "skab f1=%.3f far=%.2f mar=%.2f point_adjusted_f1=%.3f entity_parallelism=%.2f%n", f1,
                far, mar, paF1, parallelism);
        out.flush();
    }

    /**
     * Test rows by region of their experiment (before the first labelled anomaly, inside, after the last): rows,
     * flagged rows and each sensor's median reconstruction error, so one sees where the false alarms come from.
     */
    private void printWhereTheErrorsAre(JobContext ctx, String scores, PrintWriter out) {
        StringBuilder medians = new StringBuilder();
        for (String f : SENSORS.split(",")) {
            medians.append(String.format(Locale.ROOT, ", round(percentile_approx(feature_errors['%s'], 0.5), 2) AS `%s`",
                    f, f.length() > 10 ? f.substring(0, 10) : f));
        }
        var spark = ctx.spark();
        spark.read().parquet(scores).where("seq >= " + trainRows).createOrReplaceTempView("skab_scores");
        String sql = "WITH b AS (SELECT entity, min(CASE WHEN anomaly = 1 THEN seq END) a0,"
                + " max(CASE WHEN anomaly = 1 THEN seq END) a1 FROM skab_scores GROUP BY entity)"
                + " SELECT CASE WHEN anomaly = 1 THEN '2 anomaly' WHEN seq < a0 THEN '1 before' ELSE '3 after' END"
                + " AS region, count(*) AS rows, sum(CAST(is_anomaly AS INT)) AS flagged" + medians
                + " FROM skab_scores JOIN b USING (entity) GROUP BY 1 ORDER BY 1";
        out.println("test rows by region (median per-sensor reconstruction error):");
        out.print(spark.sql(sql).showString(10, 0, false));
    }
}
