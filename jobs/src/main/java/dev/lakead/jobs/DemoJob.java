package dev.lakead.jobs;

import dev.lakead.config.Settings;
import dev.lakead.data.SyntheticSensorLake;
import dev.lakead.io.CatalogConfig;
import dev.lakead.io.HadoopFiles;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ModelConfig;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on a generated lake.",
                "End to end on an embedded Spark: generate a sensor lake, preprocess and train on the first",
                "days' normal records, score every day into a partitioned table, evaluate the later days, run SQL.",
                "Settings: conf/demo.conf over the defaults; --config/--set still apply."})
final class DemoJob extends SparkJob {
    @Option(names = "--workdir", defaultValue = "demo-output", description = {"Where everything is written: a local folder or a",
            "Hadoop URI (hdfs://..., s3a://...). Default: ${DEFAULT-VALUE}."})
    String workdir;
    @Mixin
    DemoLakeOptions demoLake = new DemoLakeOptions();

    @Option(names = "--model-type", defaultValue = "autoencoder",
            description = {"autoencoder, vae (adds conf/demo-vae.conf and the latent-space figure) or anogan (adds",
                    "conf/demo-anogan.conf; scores with the latent search and with the encoder). Default: ${DEFAULT-VALUE}."})
    String modelType;

    static final List<String> MODEL_TYPES = List.of("autoencoder", "vae", "anogan");

    static final String SOURCE_TABLE = "sensor_readings";

    @Override
    Settings settings() { // the demo's catalog lives in its work folder, like everything else it writes
        Settings s = super.settings();
        CatalogConfig catalog = CatalogConfig.from(s);
        // Derby (hive-derby, auto's choice for a local master) needs a local disk; the in-memory catalog's warehouse
        // may be on any file system
        boolean catalogFollows = !dev.lakead.config.ConfigLocation.hasScheme(workdir)
                || "in-memory".equals(catalog.type());
        return catalogFollows && catalog.dir().equals(CatalogConfig.from(Settings.defaults()).dir())
                ? CatalogConfig.withDir(s, HadoopFiles.qualified(workdir) + "/metastore") : s;
    }

    @Override
    protected List<String> presetResources() {
        String type = modelType.toLowerCase();
        return "autoencoder".equals(type) || !MODEL_TYPES.contains(type) ? List.of("demo.conf")
                : List.of("demo.conf", "demo-" + type + ".conf");
    }

    @Override
    protected void validate(Settings s) {
        if (!MODEL_TYPES.contains(modelType.toLowerCase())) {
            throw new dev.lakead.LakeadException("--model-type must be one of " + String.join(", ", MODEL_TYPES)
                    + ", got '" + modelType + "'");
        }
        demoLake.validate();
    }

    /**
     * Models with several score modes (anogan: search, encoder): scores and evaluates the same bundle in its other
     * modes too (score.mode), into their own score tables, and prints the ROC-AUC of each.
     */
    private static void otherScoreModes(JobContext ctx, PrintWriter out, TrainStep.Result trained, Settings s,
                                        String base, String firstTestDay, double ownAuc) {
        var model = trained.bundle().model();
        if (model.scoreModes().size() < 2) {
            return;
        }
        out.printf("score modes of the same bundle (ROC-AUC on the days from %s on):%n", firstTestDay);
        out.printf("  %-8s ROC-AUC %.4f  (score table above)%n", model.scoreMode(), ownAuc);
        for (String mode : model.scoreModes()) {
            if (mode.equals(model.scoreMode())) {
                continue;
            }
            Settings other = s.with("model.path", trained.bundle().path(), "score.mode", mode,
                    "score.output-path", base + "/warehouse/anomaly_scores_" + mode, "score.table-name", "",
                    "evaluate.output-dir", base + "/reports/evaluation-" + mode);
            long t0 = System.nanoTime();
            ScoreStep.run(JobContext.of(ctx.spark(), other));
            double seconds = (System.nanoTime() - t0) / 1e9;
            EvaluateStep.Result r = EvaluateStep.run(JobContext.of(ctx.spark(),
                    other.with("evaluate.where", "dt >= '" + firstTestDay + "'")));
            out.printf("  %-8s ROC-AUC %.4f  (scored in %.0f s: %s)%n", mode, r.metrics().rocAuc(), seconds,
                    base + "/warehouse/anomaly_scores_" + mode);
        }
        out.println();
        out.flush();
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        String base = HadoopFiles.qualified(workdir);
        String lake = base + "/lake/sensor_readings";
        String scores = base + "/warehouse/anomaly_scores";
        String firstTestDay = demoLake.firstTestDay();
        Settings s = ctx.settings().with(
                "input.path", lake,
                "prepared.path", base + "/prepared/" + ModelConfig.from(ctx.settings()).name(),
                "model.root", base + "/models",
                "score.output-path", scores,
                "evaluate.output-dir", base + "/reports/evaluation");

        out.println("== lakead demo: deep anomaly detection on a Spark data lake ==");
        SyntheticSensorLake.Spec spec = demoLake.spec();
        SyntheticSensorLake.write(SyntheticSensorLake.generate(ctx.spark(), spec), lake);
        Row lakeStats = ctx.spark().read().parquet(lake).agg(org.apache.spark.sql.functions.count("*"),
                sum(col("label")), countDistinct(col("dt"))).first();
        out.printf("lake: %s (%d records, %d daily partitions, %d labelled anomalies)%n", lake, lakeStats.getLong(0),
                lakeStats.getLong(2), lakeStats.getLong(1));
        out.flush();

        Settings train = s.with("input.where", "dt < '" + firstTestDay + "' AND label = 0");
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(ctx.spark(), train));
        out.printf("[1/4] preprocess: %d training rows, features %s%n", prep.trainingRows(), prep.featureColumns());
        out.flush();

        TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), train));
        var h = trained.trained().history();
        out.printf("[2/4] train: %d epochs on %d workers, loss %.4f -> %.4f, %d samples/s; threshold %s%n",
                h.epochs().size(), h.workers(), h.firstLoss(), h.lastLoss(),
                Math.round(h.samplesPerSecond()), trained.bundle().threshold().describe());
        out.printf("       model bundle: %s%n", trained.bundle().path());
        out.flush();

        Settings score = s.with("model.path", trained.bundle().path());
        long t0 = System.nanoTime();
        ScoreStep.run(JobContext.of(ctx.spark(), score));
        out.printf("[3/4] score: all %d days scored (%.0f s)%n", demoLake.days, (System.nanoTime() - t0) / 1e9);
        out.flush();

        EvaluateStep.Result eval = EvaluateStep.run(JobContext.of(ctx.spark(),
                s.with("evaluate.where", "dt >= '" + firstTestDay + "'")));
        out.printf("[4/4] evaluate (days from %s on, not used for training):%n%n", firstTestDay);
        out.print(eval.metrics().toText());
        out.println();
        otherScoreModes(ctx, out, trained, s, base, firstTestDay, eval.metrics().rocAuc());
        out.printf("score_table: %s%n", scores);
        out.printf("report: %s%nreport_html: %s%n", eval.reportPath(), eval.htmlPath());
        if (eval.report().containsKey("latent_space_png")) {
            out.printf("latent space figure: %s%n", eval.report().get("latent_space_png"));
        }

        // the source table too, so that scores can be joined back to the readings (notebooks/queries.sql)
        dev.lakead.table.ParquetTableFormat.register(ctx.spark(), SOURCE_TABLE, lake, true, "input.path");
        String table = s.string("score.table-name");
        String sql = "SELECT dt, count(*) AS records, sum(CAST(is_anomaly AS INT)) AS flagged,\n"
                + "       round(avg(anomaly_score), 4) AS mean_score, round(max(anomaly_score), 2) AS max_score\n"
                + "FROM " + table + "\nWHERE dt >= '" + firstTestDay + "'\nGROUP BY dt ORDER BY dt";
        out.printf("%nexample query (catalog table %s over the score table):%n%s%n", table, sql);
        Dataset<Row> result = ctx.spark().sql(sql);
        out.print(result.showString(20, 0, false));
        String top = "SELECT record_id, device_id, ts, round(anomaly_score, 3) AS score, label\nFROM " + table
                + "\nWHERE dt = '" + demoLake.lastDay() + "' AND is_anomaly\nORDER BY anomaly_score DESC LIMIT 5";
        out.printf("%n%s%n", top);
        out.print(ctx.spark().sql(top).showString(5, 0, false));
        String catalogDir = CatalogConfig.from(ctx.settings()).dir();
        if ("hive".equals(ctx.spark().conf().get("spark.sql.catalogImplementation", "in-memory"))) {
            out.printf("%nThe tables stay in the catalog under %s; more queries in notebooks/queries.sql:%n"
                    + "  scripts/lakead sql --set catalog.dir=%s \"SELECT * FROM %s LIMIT 5\"%n",
                    catalogDir, catalogDir, table);
        } else { // an in-memory catalog ends with the job; the table's files stay
            out.printf("%nMore queries in notebooks/queries.sql, e.g.:%n"
                    + "  scripts/lakead sql \"SELECT * FROM parquet.`%s` LIMIT 5\"%n", scores);
        }
        out.flush();
    }
}
