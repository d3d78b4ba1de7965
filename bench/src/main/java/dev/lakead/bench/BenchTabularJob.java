package dev.lakead.bench;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.ConfusionMatrix;
import dev.lakead.jobs.SparkJob;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ensemble.EnsembleModel;
import dev.lakead.pipeline.EvaluateStep;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.ScoreStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality on labelled tabular sets (protocol of shared/datasets/README.md): stratified 60/40 split with seed 42,
 * preprocessing and model fitted on the normal rows of the training split, test ROC-AUC and PR-AUC of the score, F1
 * at the 95th percentile of the training scores. Every model runs through the real jobs' steps with the default
 * settings (plus whatever --config/--set the caller gives), so the numbers are those of the defaults.
 */
@Command(name = "bench-tabular", mixinStandardHelpOptions = true,
        description = {"Measure each model's quality on labelled tabular sets.",
                "Benchmark: ROC-AUC / PR-AUC / F1 of each model type on labelled tabular sets (CSV files",
                "id,f0..fN,label in --data-dir). Prints a table and a summary line."})
final class BenchTabularJob extends SparkJob {
    @Option(names = "--data-dir", defaultValue = "../shared/datasets/tabular",
            description = "Folder with <name>.csv per data set. Default: ${DEFAULT-VALUE}.")
    File dataDir;
    @Option(names = "--models", split = ",", defaultValue = "autoencoder,vae,anogan,ensemble",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> models;
    @Option(names = "--datasets", split = ",",
            defaultValue = "cardio,thyroid,satellite,shuttle,pendigits,mammography", description = "Default: ${DEFAULT-VALUE}.")
    List<String> datasets;
    @Option(names = "--workdir", defaultValue = "bench/output/tabular", description = "Scratch folder. Default: ${DEFAULT-VALUE}.")
    File workdir;
    @Option(names = "--member-scores", description = "Ensemble runs: also write each member's normalised test scores"
            + " to <workdir>/<data>/ensemble/member-scores (CSV id,label,member_0,...) for analysis.")
    boolean memberScores;

    /**
     * Published test ROC-AUC of the chapter's PyTorch AE and VAE and of IsolationForest (shared/datasets/README.md):
     * references, not measured by this job.
     */
    static final Map<String, double[]> REFERENCE = Map.of(
            "cardio", new double[]{0.818, 0.844, 0.952},
            "thyroid", new double[]{0.897, 0.832, 0.988},
            "satellite", new double[]{0.802, 0.656, 0.832},
            "shuttle", new double[]{0.999, 0.770, 0.996},
            "pendigits", new double[]{0.953, 0.926, 0.967},
            "mammography", new double[]{0.866, 0.894, 0.881});

    record Outcome(String dataset, String model, double rocAuc, double prAuc, double f1, double seconds) {
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        if (!dataDir.isDirectory()) {
            throw new LakeadException("Data folder " + dataDir + " does not exist (--data-dir)");
        }
        for (String model : models) {
            ModelFamilies.get(model); // an unknown type fails before any training
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
        Settings s = ctx.settings().with(
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
        if (memberScores && trained.bundle().model() instanceof EnsembleModel ensemble) {
            writeMemberScores(ctx, test, trained.bundle(), ensemble, run + "/member-scores");
        }
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

    /** Each member's normalised test scores next to id and label (a diagnostic: which members carry the result). */
    private static void writeMemberScores(JobContext ctx, Settings test, ModelBundle bundle, EnsembleModel ensemble,
                                          String path) {
        Dataset<Row> input = ctx.spark().read().parquet(test.string("input.path"));
        Dataset<Row> joined = null;
        for (int i = 0; i < ensemble.members().size(); i++) {
            Dataset<Row> scored = BatchScorer.scoreRaw(input, List.of("id", "label"), bundle.pipeline(),
                    ensemble.memberView(i), 4096);
            Dataset<Row> one = scored.select(scored.col("id"), scored.col("label"),
                    scored.col(BatchScorer.SCORE).as("member_" + i));
            joined = joined == null ? one : joined.join(one.drop("label"), "id");
        }
        joined.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(path);
    }

    private void printTable(PrintWriter out, List<Outcome> outcomes) {
        out.println();
        out.println("measured here (test split of each set):");
        out.printf("%-12s %-16s %8s %8s %8s%n", "data", "model", "roc_auc", "pr_auc", "f1@p95");
        Map<String, List<Double>> byModel = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, "%-12s %-16s %8.3f %8.3f %8.3f%n", o.dataset(), o.model(), o.rocAuc(), o.prAuc(),
                    o.f1());
            byModel.computeIfAbsent(o.model(), k -> new ArrayList<>()).add(o.rocAuc());
        }
        Map<String, Double> means = new LinkedHashMap<>();
        byModel.forEach((model, aucs) -> means.put(shortName(model),
                aucs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        out.print("mean roc_auc:");
        means.forEach((model, mean) -> out.printf(Locale.ROOT, " %s=%.3f", model, mean));
        out.println();

        out.println();
        out.println("references (published, not measured here): test ROC-AUC from shared/datasets/README.md");
        out.printf("%-12s %12s %12s %12s%n", "data", "chapter_ae", "chapter_vae", "iforest");
        double[] refMeans = new double[3];
        int known = 0;
        for (String d : datasets) {
            double[] ref = REFERENCE.get(d);
            if (ref == null) {
                out.printf("%-12s %12s %12s %12s%n", d, "-", "-", "-");
                continue;
            }
            known++;
            out.printf(Locale.ROOT, "%-12s %12.3f %12.3f %12.3f%n", d, ref[0], ref[1], ref[2]);
            for (int i = 0; i < 3; i++) {
                refMeans[i] += ref[i];
            }
        }
        if (known > 0) {
            out.printf(Locale.ROOT, "%-12s %12.3f %12.3f %12.3f  (over the %d sets with published figures)%n",
                    "mean", refMeans[0] / known, refMeans[1] / known, refMeans[2] / known, known);
        }
        out.println(summaryLine(means));
        out.flush();
    }

    /** tabular mean_roc_auc ae=<x> vae=<y> best=<z> best_model=<name>; a model type not run shows as nan. */
    static String summaryLine(Map<String, Double> means) {
        String best = null;
        for (Map.Entry<String, Double> e : means.entrySet()) {
            if (!e.getValue().isNaN() && (best == null || e.getValue() > means.get(best))) {
                best = e.getKey();
            }
        }
        return String.format(Locale.ROOT, "tabular mean_roc_auc ae=%.3f vae=%.3f best=%.3f best_model=%s",
                means.getOrDefault("ae", Double.NaN), means.getOrDefault("vae", Double.NaN),
                best == null ? Double.NaN : means.get(best), best == null ? "none" : longName(best));
    }

    private static String shortName(String model) {
        return "autoencoder".equals(model) ? "ae" : model.replace('/', '_');
    }

    private static String longName(String shortName) {
        return "ae".equals(shortName) ? "autoencoder" : shortName;
    }
}
