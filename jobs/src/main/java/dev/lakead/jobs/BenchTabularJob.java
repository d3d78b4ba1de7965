package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality on the six labelled tabular sets (protocol of shared/datasets/README.md): stratified 60/40 split with
 * seed 42, preprocessing and model fitted on the normal rows of the training split, test ROC-AUC and PR-AUC of
 * the score, F1 at the 95th percentile of the training scores. Every model runs through the real jobs' steps.
 */
@Command(name = "bench-tabular", mixinStandardHelpOptions = true,
        description = {"Benchmark: ROC-AUC / PR-AUC / F1 of each model on the tabular anomaly sets,",
                "next to the chapter's PyTorch code and IsolationForest. Prints a table and a summary line."})
final class BenchTabularJob extends SparkJob {
    @Option(names = "--data-dir", defaultValue = "../shared/datasets/tabular",
            description = "Folder with cardio.csv, thyroid.csv, ... Default: ${DEFAULT-VALUE}.")
    File dataDir;
    @Option(names = "--models", split = ",", defaultValue = "autoencoder,vae", description = "Default: ${DEFAULT-VALUE}.")
    List<String> models;
    @Option(names = "--datasets", split = ",",
            defaultValue = "cardio,thyroid,satellite,shuttle,pendigits,mammography", description = "Default: ${DEFAULT-VALUE}.")
    List<String> datasets;
    @Option(names = "--workdir", defaultValue = "bench/output/tabular", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;

    /** Test ROC-AUC of the chapter's PyTorch AE and VAE and of IsolationForest (shared/datasets/README.md). */
    static final Map<String, double[]> REFERENCE = Map.of(
            "cardio", new double[]{0.818, 0.844, 0.952},
            "thyroid", new double[]{0.897, 0.832, 0.988},
            "satellite", new double[]{0.802, 0.656, 0.832},
            "shuttle", new double[]{0.999, 0.770, 0.996},
            "pendigits", new double[]{0.953, 0.926, 0.967},
            "mammography", new double[]{0.866, 0.894, 0.881});

    /** Per-model settings used by the benchmark on top of the defaults (the VAE trains better a little faster). */
    static final Map<String, String[]> MODEL_SETTINGS = Map.of("vae", new String[]{"model.learning-rate", "0.003"});

    record Outcome(String dataset, String model, double rocAuc, double prAuc, double f1, double seconds) {
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        if (!dataDir.isDirectory()) {
            throw new LakeadException("Data folder " + dataDir + " does not exist (--data-dir)");
        }
        String base = workdir.getAbsolutePath();
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : datasets) {
            File csv = new File(dataDir, name + ".csv");
            if (!csv.isFile()) {
                throw new LakeadException("Data set " + csv + " not found (--data-dir, --datasets)");
            }
            String dir = base + "/" + name;
            split(ctx, csv.getAbsolutePath(), dir);
            for (String model : models) {
                for (Outcome o : runOne(ctx, name, model, dir)) {
                    outcomes.add(o);
                    out.printf(Locale.ROOT, "%-12s %-16s roc_auc=%.3f pr_auc=%.3f f1=%.3f (%.0f s)%n", o.dataset(),
                            o.model(), o.rocAuc(), o.prAuc(), o.f1(), o.seconds());
                    out.flush();
                }
            }
        }
        printTable(out, outcomes);
    }

    /** Stratified 60/40 split (seed 42): the same share of each class goes to the training side. */
    private static void split(JobContext ctx, String csv, String dir) {
        Dataset<Row> all = ctx.spark().read().option("header", true).option("inferSchema", true).csv(csv);
        Map<Object, Double> fractions = new LinkedHashMap<>();
        fractions.put(0, 0.6);
        fractions.put(1, 0.6);
        Dataset<Row> train = all.stat().sampleBy("label", fractions, 42L);
        Dataset<Row> test = all.join(train.select("id"), all.col("id").equalTo(train.col("id")), "left_anti");
        train.write().mode(SaveMode.Overwrite).parquet(dir + "/train");
        test.write().mode(SaveMode.Overwrite).parquet(dir + "/test");
    }

    /**
     * Preprocesses, trains, scores and evaluates one model on one data set; a model with several score modes
     * (anogan: search, encoder) is scored and evaluated in each (its bundle keeps a threshold per mode), one outcome
     * per mode named model/mode, with the training time in the first.
     */
    private List<Outcome> runOne(JobContext ctx, String dataset, String model, String dir) {
        long t0 = System.nanoTime();
        String run = dir + "/" + model;
        Settings s = ctx.settings().with(MODEL_SETTINGS.getOrDefault(model, new String[0])).with(
                "input.path", dir + "/train",
                "input.where", "label = 0",
                "features.id-columns", "id",
                "features.label-column", "label",
                "prepared.path", run + "/prepared",
                "model.type", model,
                "model.root", run + "/models",
                "model.name", dataset,
                "model.version", "run-" + System.currentTimeMillis(),
                "score.output-path", run + "/scores",
                "score.table-name", "",
                "score.partition-columns", "",
                "score.key-columns", "id,label",
                "evaluate.output-dir", run + "/report");
        PreprocessStep.run(JobContext.of(ctx.spark(), s));
        TrainStep.Result trained = TrainStep.run(JobContext.of(ctx.spark(), s));
        Settings test = s.with("input.path", dir + "/test", "input.where", "",
                "model.path", trained.bundle().path());
        List<String> modes = trained.bundle().model().scoreModes();
        if (modes.size() < 2) {
            return List.of(scoreAndEvaluate(ctx, test, dataset, model, t0));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (String mode : modes) {
            outcomes.add(scoreAndEvaluate(ctx, test.with("score.mode", mode, "score.output-path", run + "/scores-"
                    + mode, "evaluate.output-dir", run + "/report-" + mode), dataset, model + "/" + mode, t0));
            t0 = System.nanoTime();
        }
        return outcomes;
    }

    private static Outcome scoreAndEvaluate(JobContext ctx, Settings test, String dataset, String name, long t0) {
        ScoreStep.run(JobContext.of(ctx.spark(), test));
        EvaluateStep.Result r = EvaluateStep.run(JobContext.of(ctx.spark(), test));
        ConfusionMatrix cm = r.metrics().confusion();
        return new Outcome(dataset, name, r.metrics().rocAuc(), r.metrics().prAuc(), cm.anomaly().f1(),
                (System.nanoTime() - t0) / 1e9);
    }

    private void printTable(PrintWriter out, List<Outcome> outcomes) {
        out.println();
        out.printf("%-12s %-16s %8s %8s %8s %12s %12s %12s%n", "data", "model", "roc_auc", "pr_auc", "f1@p95",
                "chapter_ae", "chapter_vae", "iforest");
        Map<String, List<Double>> byModel = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            double[] ref = REFERENCE.getOrDefault(o.dataset(), new double[]{Double.NaN, Double.NaN, Double.NaN});
            out.printf(Locale.ROOT, "%-12s %-16s %8.3f %8.3f %8.3f %12.3f %12.3f %12.3f%n", o.dataset(), o.model(),
                    o.rocAuc(), o.prAuc(), o.f1(), ref[0], ref[1], ref[2]);
            byModel.computeIfAbsent(o.model(), k -> new ArrayList<>()).add(o.rocAuc());
        }
        StringBuilder last = new StringBuilder("tabular mean_roc_auc");
        for (Map.Entry<String, List<Double>> e : byModel.entrySet()) {
            double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            last.append(String.format(Locale.ROOT, " %s=%.3f", shortName(e.getKey()), mean));
        }
        double[] refMeans = new double[3];
        for (String d : datasets) {
            double[] ref = REFERENCE.get(d);
            for (int i = 0; i < 3 && ref != null; i++) {
                refMeans[i] += ref[i] / datasets.size();
            }
        }
        out.printf(Locale.ROOT, "reference mean roc_auc: chapter_ae=%.3f chapter_vae=%.3f iforest=%.3f%n",
                refMeans[0], refMeans[1], refMeans[2]);
        out.println(last);
        out.flush();
    }

    private static String shortName(String model) {
        return "autoencoder".equals(model) ? "ae" : model.replace('/', '_');
    }

}
