package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.io.InputAudit;
import dev.lakead.io.TableReader;
import dev.lakead.monitoring.DriftStatistics;
import dev.lakead.table.DriftTable;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFilter;
import dev.lakead.table.TableFormats;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.lit;

/**
 * drift (4.5.4, concept drift): compares recent partitions of the input table with the model's training reference,
 * per feature (PSI over reference deciles, Kolmogorov–Smirnov at reference quantiles), plus the shift of the score
 * distribution and of the anomaly rate in the score table. Writes one row per feature per partition to the drift
 * table (dynamic partition overwrite: a rerun replaces its rows) and a {@link DriftSummary}: the filter and the
 * partitions it checked, {@code retrain_recommended} and the reasons. All counting happens on the executors; only per-bin counts reach the driver.
 */
public final class DriftStep {
    private static final Logger LOG = LoggerFactory.getLogger(DriftStep.class);
    public static final String SCORE_FEATURE = "__anomaly_score";
    public static final String RATE_FEATURE = "__anomaly_rate";
    private static final String REFERENCE = "\u0000reference";

    private DriftStep() {
    }

    public record Result(String tablePath, String summaryPath, long rows, boolean retrainRecommended,
                         List<String> reasons, InputAudit.Report audit) {
    }

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        DriftConfig cfg = DriftConfig.from(s);
        ModelBundle bundle = ctx.loadBundle();
        String partition = cfg.partitionColumn();
        String recentWhere = cfg.where().expression();
        String referenceWhere = referenceWhere(cfg, bundle);
        int grid = cfg.ksPoints();
        int bins = cfg.bins();
        double psiLimit = cfg.psiThreshold();
        double ksLimit = cfg.ksThreshold();

        TableReader.Table read = TableReader.read(ctx.spark(), s.with("input.where", ""));
        List<String> features = bundle.pipeline().columns();
        // the same audit as preprocess and score: malformed lines and null/NaN/Inf features counted, input.malformed
        // applied (drop, fail; with impute the unusable values are left out of the histograms, not filled in)
        InputAudit.Audited audited = InputAudit.audit(ctx.spark(), read, features, s, "the model's feature columns");
        TableReader.Table input = new TableReader.Table(audited.rows(), read.partitionColumns(), read.path(),
                read.source());
        requireColumn(input.rows(), partition, "drift.partition-column");
        Dataset<Row> reference = TableReader.filtered(input.rows(), referenceWhere, "drift.reference-where",
                input.path());
        Dataset<Row> recent = TableReader.filtered(input.rows(), recentWhere, "drift.where", input.path());
        LOG.info("Drift of {} features: recent rows where {} vs reference where {}", features.size(), recentWhere,
                referenceWhere);
        Map<String, Map<String, long[]>> hist = histograms(reference, recent, partition, features, grid);

        // the score distribution and anomaly rate, from the score table when it covers both ranges
        ScoreTable scoreTable = cfg.scores() == null ? null : ScoreTable.at(ctx.spark(), s, cfg.scores());
        String scores = scoreTable == null ? "" : scoreTable.path();
        Map<String, double[]> rates = new HashMap<>();
        if (scoreTable != null && scoreTable.exists()) {
            Dataset<Row> scored = scoreTable.read().where(ScoreTable.ofModel(bundle.name()));
            String unusable = unusableOn(scored, referenceWhere, recentWhere);
            if (unusable != null) {
                // e.g. the training filter "label = 0" on a score table without labels: the features still drift
                LOG.warn("Score drift skipped: a filter does not apply to the score table {} ({}); set"
                        + " drift.reference-where to a filter on {} to compare scores too", scores, unusable, partition);
            } else if (Arrays.asList(scored.columns()).contains(partition)) {
                Dataset<Row> refScores = scoreTable.filter(scored,
                        new TableFilter(referenceWhere, "drift.reference-where"));
                Dataset<Row> newScores = scoreTable.filter(scored, cfg.where());
                histograms(refScores, newScores, partition, List.of(ScoreTable.SCORE), grid).forEach((part, h) ->
                        hist.computeIfAbsent(part, k -> new LinkedHashMap<>()).putAll(renamed(h)));
                rates = anomalyRates(refScores, newScores, partition);
            }
        }

        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (String part : new TreeSet<>(hist.keySet())) {
            if (part.equals(REFERENCE)) {
                continue;
            }
            for (Map.Entry<String, long[]> e : hist.get(part).entrySet()) {
                long[] ref = hist.getOrDefault(REFERENCE, Map.of()).get(e.getKey());
                if (ref == null) {
                    continue;
                }
                double psi = DriftStatistics.psi(ref, e.getValue(), bins);
                double ks = DriftStatistics.ks(ref, e.getValue());
                boolean drifted = psi > psiLimit || ks > ksLimit;
                if (drifted) {
                    reasons.add(String.format("%s=%s: %s PSI %.3f, KS %.3f", partition, part, e.getKey(), psi, ks));
                }
                rows.add(DriftTable.row(e.getKey(), (long) DriftStatistics.sumOf(ref),
                        (long) DriftStatistics.sumOf(e.getValue()), psi, ks, null, null, drifted, bundle.name(),
                        bundle.version(), now, part));
            }
            double[] rate = rates.get(part);
            double[] refRate = rates.get(REFERENCE);
            if (rate != null) {
                double expected = refRate != null && refRate[1] > 0 ? refRate[0] / refRate[1] : expectedRate(bundle);
                double observed = rate[0] / Math.max(1, rate[1]);
                boolean high = observed > cfg.anomalyRateFactor() * Math.max(expected, 1e-6);
                if (high) {
                    reasons.add(String.format("%s=%s: anomaly rate %.4f > %.1f x reference %.4f", partition, part,
                            observed, cfg.anomalyRateFactor(), expected));
                }
                rows.add(DriftTable.row(RATE_FEATURE, refRate == null ? null : (long) refRate[1], (long) rate[1],
                        null, null, expected, observed, high, bundle.name(), bundle.version(), now, part));
            }
        }
        if (rows.isEmpty()) {
            throw new LakeadException("No rows match drift.where '" + recentWhere + "' in " + input.path());
        }
        DriftTable table = new DriftTable(ctx.spark(), TableFormats.from(s), cfg.output(), partition);
        table.write(rows);
        String out = table.path();

        boolean retrain = !reasons.isEmpty();
        List<String> partitions = new ArrayList<>(new TreeSet<>(hist.keySet()));
        partitions.remove(REFERENCE);
        String summaryPath = cfg.summaryPath();
        new DriftSummary(bundle.path(), recentWhere, partition, partitions, referenceWhere, retrain, reasons,
                rows.size(), out, now.toInstant().toString(), audited.report().toMap()).write(ctx.files(), summaryPath);
        LOG.info("Drift: {} rows to {}; retrain recommended: {} {}", rows.size(), out, retrain, reasons);
        return new Result(out, summaryPath, rows.size(), retrain, reasons, audited.report());
    }

    /** drift.reference-where, else the filter the model's training data was read with. */
    @SuppressWarnings("unchecked")
    /** Why a filter cannot be applied to the score table (e.g. it names a column only the input has), or null. */
    private static String unusableOn(Dataset<Row> scored, String... filters) {
        for (String f : filters) {
            try {
                if (!f.isBlank()) {
                    scored.where(f);
                }
            } catch (Exception e) { // AnalysisException: resolved eagerly
                return "'" + f + "': " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            }
        }
        return null;
    }

    static String referenceWhere(DriftConfig cfg, ModelBundle bundle) {
        String given = cfg.referenceWhere();
        if (!given.isBlank()) {
            return given;
        }
        Map<String, Object> prepared = bundle.metadata().preparedDataOrEmpty();
        Object where = prepared.get("input_where");
        if (where == null || String.valueOf(where).isBlank()) {
            throw new LakeadException("Set 'drift.reference-where' (the training range): the bundle does not record"
                    + " the filter its training data was read with");
        }
        return String.valueOf(where);
    }

    private static double expectedRate(ModelBundle bundle) {
        Object p = bundle.threshold().parameters().get("percentile");
        return p instanceof Number n ? 1 - n.doubleValue() : 0.01;
    }

    private static Map<String, long[]> renamed(Map<String, long[]> byFeature) {
        Map<String, long[]> out = new HashMap<>();
        byFeature.forEach((k, v) -> out.put(k.equals(ScoreTable.SCORE) ? SCORE_FEATURE : k, v));
        return out;
    }

    private static void requireColumn(Dataset<Row> df, String c, String setting) {
        if (!Arrays.asList(df.columns()).contains(c)) {
            throw new LakeadException("Column '" + c + "' (setting '" + setting + "') is not in the input; columns: "
                    + String.join(", ", df.columns()));
        }
    }

    /**
     * Per (partition value, column): counts on a grid of {@code grid} reference quantiles; the reference itself under
     * a reserved key. One pass over each side, histograms built inside the partitions.
     */
    static Map<String, Map<String, long[]>> histograms(Dataset<Row> reference, Dataset<Row> recent, String partition,
                                                       List<String> columns, int grid) {
        double[] probs = new double[grid];
        for (int i = 0; i < grid; i++) {
            probs[i] = (i + 1.0) / (grid + 1.0);
        }
        Column[] numeric = columns.stream().map(c -> col(c).cast("double")).toArray(Column[]::new);
        Dataset<Row> ref = reference.select(numeric).toDF(columns.toArray(new String[0]));
        double[][] cuts = ref.stat().approxQuantile(columns.toArray(new String[0]), probs, 0.5 / grid);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(reference.sparkSession().sparkContext());
        Broadcast<double[][]> grids = sc.broadcast(cuts);
        Dataset<Row> both = reference.select(lit(REFERENCE).as("__part"), numericStruct(columns))
                .union(recent.select(col(partition).cast("string").as("__part"), numericStruct(columns)));
        int width = columns.size();
        List<Tuple2<String, long[][]>> counted = both.javaRDD().mapPartitionsToPair(it -> {
            Map<String, long[][]> local = new HashMap<>();
            double[][] g = grids.value();
            while (it.hasNext()) {
                Row r = it.next();
                String key = r.isNullAt(0) ? "null" : r.getString(0);
                long[][] h = local.computeIfAbsent(key, k -> new long[width][g[0].length + 1]);
                Row values = r.getStruct(1);
                for (int f = 0; f < width; f++) {
                    if (!values.isNullAt(f)) {
                        double v = values.getDouble(f);
                        if (!Double.isNaN(v)) {
                            h[f][binOf(g[f], v)]++;
                        }
                    }
                }
            }
            List<Tuple2<String, long[][]>> out = new ArrayList<>();
            local.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
            return out.iterator();
        }).reduceByKey((a, b) -> {
            long[][] sum = new long[a.length][];
            for (int f = 0; f < a.length; f++) {
                sum[f] = a[f].clone();
                for (int i = 0; i < sum[f].length; i++) {
                    sum[f][i] += b[f][i];
                }
            }
            return sum;
        }).collect();
        grids.destroy();
        Map<String, Map<String, long[]>> out = new HashMap<>();
        for (Tuple2<String, long[][]> t : counted) {
            Map<String, long[]> byColumn = new LinkedHashMap<>();
            for (int f = 0; f < width; f++) {
                byColumn.put(columns.get(f), t._2()[f]);
            }
            out.put(t._1(), byColumn);
        }
        return out;
    }

    private static Column numericStruct(List<String> columns) {
        return org.apache.spark.sql.functions.struct(columns.stream().map(c -> col(c).cast("double").as(c))
                .toArray(Column[]::new)).as("__values");
    }

    /** Number of cut points below v (ties go to the lower bin). */
    static int binOf(double[] cuts, double v) {
        int lo = 0;
        int hi = cuts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cuts[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {flagged, rows} per partition value, and for the reference under the reserved key. */
    private static Map<String, double[]> anomalyRates(Dataset<Row> reference, Dataset<Row> recent, String partition) {
        Map<String, double[]> out = new HashMap<>();
        Column flagged = org.apache.spark.sql.functions.sum(col(ScoreTable.IS_ANOMALY).cast("long"));
        Row ref = reference.agg(flagged, org.apache.spark.sql.functions.count(lit(1))).first();
        if (ref.getLong(1) > 0) {
            out.put(REFERENCE, new double[]{ref.getLong(0), ref.getLong(1)});
        }
        for (Row r : recent.groupBy(col(partition).cast("string")).agg(flagged,
                org.apache.spark.sql.functions.count(lit(1))).collectAsList()) {
            out.put(String.valueOf(r.get(0)), new double[]{r.isNullAt(1) ? 0 : r.getLong(1), r.getLong(2)});
        }
        return out;
    }
}
