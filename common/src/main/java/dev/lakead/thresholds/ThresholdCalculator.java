package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;

/**
 * Thresholds computed on the executors (4.1.2, 4.5.3, 問5). From scores alone: the p-th percentile (Spark's
 * approxQuantile, rank error at most relativeError · n), mean + k·σ, or the peaks-over-threshold quantile of a
 * Generalised Pareto tail fitted above a high initial quantile ({@link PeaksOverThreshold}). From labelled validation scores
 * ({@link ScoreCurve}, a distributed histogram): the ROC point that maximises Youden's J, the maximum F1, or the
 * lowest threshold whose false-positive rate is at most a target. Any of them can be set per segment (a column
 * such as site or device type); a segment with fewer than {@code threshold.min-segment-rows} rows uses the global
 * value.
 */
public final class ThresholdCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdCalculator.class);
    public static final String PERCENTILE = "percentile";
    public static final String MEAN_STD = "mean-std";
    public static final String YOUDEN = "youden";
    public static final String MAX_F1 = "max-f1";
    public static final String TARGET_FPR = "target-fpr";
    public static final String POT = "pot";
    private static final String[] METHODS = {PERCENTILE, MEAN_STD, POT, YOUDEN, MAX_F1, TARGET_FPR};
    /** POT fits on at most this many peaks (a uniform sample of them beyond), collected to the driver. */
    static final long MAX_POT_PEAKS = 200_000;

    private ThresholdCalculator() {
    }

    public static String method(Settings s) {
        return s.choice("threshold.method", METHODS);
    }

    /** threshold.segment-column: the column whose values get their own thresholds ("" = one global threshold). */
    public static String segmentColumn(Settings s) {
        return s.string("threshold.segment-column");
    }

    /** Whether the method needs labelled validation scores. */
    public static boolean needsLabels(String method) {
        return YOUDEN.equals(method) || MAX_F1.equals(method) || TARGET_FPR.equals(method);
    }

    /** From unlabelled (training) scores: percentile, mean-std or pot. */
    public static Threshold compute(Dataset<Row> scores, String scoreColumn, Settings settings) {
        return compute(scores, scoreColumn, null, settings);
    }

    /**
     * @param labelColumn a 0/1 column (null rows ignored); required by the labelled methods, ignored by the others
     */
    public static Threshold compute(Dataset<Row> scores, String scoreColumn, String labelColumn, Settings settings) {
        Options o = Options.from(settings);
        if (needsLabels(o.method) && labelColumn == null) {
            throw new LakeadException("Threshold method '" + o.method + "' needs labelled validation data"
                    + " (setting 'threshold.validation.path' or 'threshold.validation.table')");
        }
        String segment = segmentColumn(settings);
        if (!segment.isBlank() && !Arrays.asList(scores.columns()).contains(segment)) {
            throw new LakeadException("Segment column '" + segment + "' (setting 'threshold.segment-column') is not in"
                    + " the scores; columns: " + String.join(", ", scores.columns()));
        }
        Dataset<Row> data = needsLabels(o.method) ? scores.where(col(labelColumn).isNotNull()) : scores;
        double[] q = data.stat().approxQuantile(scoreColumn, new double[]{0.5, 0.95, 0.99, o.percentile},
                o.relativeError);
        Map<String, Object> stats = stats(data, scoreColumn, q);
        Map<String, Object> params = new LinkedHashMap<>();
        double value;
        double[] candidates = null;
        switch (o.method) {
            case PERCENTILE -> {
                value = q[3];
                params.put("percentile", o.percentile);
                params.put("relative_error", o.relativeError);
            }
            case MEAN_STD -> {
                value = (double) stats.get("mean") + o.k * (double) stats.get("std");
                params.put("k", o.k);
            }
            case POT -> {
                PeaksOverThreshold.Fit fit = potFit(data, scoreColumn, (long) stats.get("count"), o);
                value = fit.quantile(o.potRisk);
                params.putAll(potParams(fit, o));
            }
            default -> {
                candidates = ScoreCurve.candidates(data, scoreColumn, o.curveBins);
                ScoreCurve curve = ScoreCurve.perSegment(data, scoreColumn, labelColumn, null, candidates).get(null);
                if (curve == null || curve.positives() == 0 || curve.negatives() == 0) {
                    throw new LakeadException("Threshold method '" + o.method + "' needs both normal and anomalous"
                            + " labelled rows in the validation data (label column '" + labelColumn + "')");
                }
                ScoreCurve.Point p = o.pick(curve);
                value = p.threshold();
                params.putAll(o.methodParams());
                params.putAll(achieved(p));
                params.put("validation_normal_rows", curve.negatives());
                params.put("validation_anomaly_rows", curve.positives());
                params.put("curve_points", curve.points().size());
            }
        }
        if (o.scale != 1.0) {
            value *= o.scale;
            params.put("scale", o.scale);
        }
        Map<String, Double> segments = Map.of();
        if (!segment.isBlank()) {
            segments = perSegment(data, scoreColumn, labelColumn, segment, o, candidates);
            params.put("min_segment_rows", o.minSegmentRows);
        }
        Threshold t = new Threshold(value, o.method, params, stats, segment, segments);
        LOG.info("Threshold {} from {} scores (mean {}, std {})", t.describe(), stats.get("count"), stats.get("mean"),
                stats.get("std"));
        return t;
    }

    /**
     * The GPD fit of the scores above their initial quantile: the quantile by approxQuantile, the excesses (at most
     * {@link #MAX_POT_PEAKS}, a uniform sample beyond) collected to the driver.
     */
    private static PeaksOverThreshold.Fit potFit(Dataset<Row> data, String scoreColumn, long n, Options o) {
        double t = data.stat().approxQuantile(scoreColumn, new double[]{o.potInitialQuantile}, o.relativeError)[0];
        Dataset<Row> peaks = data.where(col(scoreColumn).gt(t)).select(col(scoreColumn).cast("double").minus(t));
        long count = peaks.count();
        if (count > MAX_POT_PEAKS) {
            peaks = peaks.sample(false, (double) MAX_POT_PEAKS / count, 42);
        }
        double[] excesses = peaks.collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
        // the sample keeps the peaks' share of all scores: n scaled like the peaks
        long scaledN = count > MAX_POT_PEAKS ? Math.round((double) n * excesses.length / count) : n;
        return PeaksOverThreshold.fitExcesses(t, excesses, scaledN);
    }

    static Map<String, Object> potParams(PeaksOverThreshold.Fit fit, Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initial_quantile", o.potInitialQuantile);
        m.put("risk", o.potRisk);
        m.put("initial_threshold", fit.t());
        m.put("gpd_shape", fit.gamma());
        m.put("gpd_scale", fit.sigma());
        m.put("peaks", fit.peaks());
        m.put("fit", "GPD maximum likelihood (Grimshaw)");
        return m;
    }

    /** What the chosen threshold achieves on the validation data. */
    private static Map<String, Object> achieved(ScoreCurve.Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validation_recall", p.tpr());
        m.put("validation_precision", p.precision());
        m.put("validation_fpr", p.fpr());
        m.put("validation_f1", p.f1());
        return m;
    }

    /** One value per segment with at least min-segment-rows rows (scaled like the global one). */
    private static Map<String, Double> perSegment(Dataset<Row> data, String scoreColumn, String labelColumn,
                                                  String segment, Options o, double[] candidates) {
        Map<String, Double> values = new TreeMap<>();
        int tooSmall = 0;
        if (needsLabels(o.method)) {
            for (Map.Entry<String, ScoreCurve> e : ScoreCurve.perSegment(data, scoreColumn, labelColumn, segment,
                    candidates).entrySet()) {
                ScoreCurve c = e.getValue();
                // a labelled rule needs both classes in the segment (target-fpr only normal rows)
                boolean usable = c.positives() + c.negatives() >= o.minSegmentRows && c.negatives() > 0
                        && (c.positives() > 0 || TARGET_FPR.equals(o.method));
                if (usable) {
                    values.put(String.valueOf(e.getKey()), o.pick(c).threshold() * o.scale);
                } else {
                    tooSmall++;
                }
            }
        } else if (POT.equals(o.method)) {
            for (Map.Entry<String, PeaksOverThreshold.Fit> e : potFitsBySegment(data, scoreColumn, segment, o)
                    .entrySet()) {
                if (e.getValue().n() >= o.minSegmentRows) {
                    values.put(e.getKey(), e.getValue().quantile(o.potRisk) * o.scale);
                } else {
                    tooSmall++;
                }
            }
        } else {
            Column s = col(scoreColumn);
            int accuracy = (int) Math.min(Integer.MAX_VALUE, Math.round(1.0 / Math.max(o.relativeError, 1e-9)));
            Column value = PERCENTILE.equals(o.method) ? percentile_approx(s, lit(o.percentile), lit(accuracy))
                    : avg(s).plus(lit(o.k).multiply(org.apache.spark.sql.functions.coalesce(stddev_samp(s), lit(0.0))));
            List<Row> rows = data.groupBy(col(segment).cast("string")).agg(count(s), value).collectAsList();
            for (Row r : rows) {
                if (r.getLong(1) >= o.minSegmentRows && !r.isNullAt(2)) {
                    values.put(String.valueOf(r.get(0)), ((Number) r.get(2)).doubleValue() * o.scale);
                } else {
                    tooSmall++;
                }
            }
        }
        LOG.info("Per-segment thresholds on '{}': {} segments with their own value, {} with fewer than {} rows use"
                + " the global value", segment, values.size(), tooSmall, o.minSegmentRows);
        return values;
    }

    /**
     * POT per segment on the executors: each segment's row count and initial quantile (percentile_approx), then only
     * its excesses over that quantile reach the driver, which fits one GPD per segment.
     */
    private static Map<String, PeaksOverThreshold.Fit> potFitsBySegment(Dataset<Row> data, String scoreColumn,
                                                                       String segment, Options o) {
        Column s = col(scoreColumn).cast("double");
        int accuracy = (int) Math.min(Integer.MAX_VALUE, Math.round(1.0 / Math.max(o.relativeError, 1e-9)));
        Dataset<Row> keyed = data.select(col(segment).cast("string").as("__seg"), s.as("__score"));
        Dataset<Row> initial = keyed.groupBy("__seg").agg(count(col("__score")).as("__n"),
                percentile_approx(col("__score"), lit(o.potInitialQuantile), lit(accuracy)).as("__t"));
        List<Row> rows = keyed.join(initial, "__seg").where(col("__score").gt(col("__t")))
                .groupBy("__seg", "__n", "__t")
                .agg(org.apache.spark.sql.functions.collect_list(col("__score").minus(col("__t"))))
                .collectAsList();
        Map<String, PeaksOverThreshold.Fit> fits = new TreeMap<>();
        for (Row r : initial.collectAsList()) { // segments without any excess: t itself
            fits.put(r.getString(0), PeaksOverThreshold.fitExcesses(r.getDouble(2), new double[0], r.getLong(1)));
        }
        for (Row r : rows) {
            List<Double> excesses = r.getList(3);
            fits.put(r.getString(0), PeaksOverThreshold.fitExcesses(r.getDouble(2),
                    excesses.stream().mapToDouble(Double::doubleValue).toArray(), r.getLong(1)));
        }
        return fits;
    }

    private static Map<String, Object> stats(Dataset<Row> scores, String c, double[] q) {
        Row r = scores.agg(count(col(c)), avg(col(c)), stddev_samp(col(c)), min(col(c)), max(col(c))).first();
        long n = r.getLong(0);
        if (n == 0 || q.length == 0) {
            throw new LakeadException("Cannot set a threshold: there are no scores");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", n);
        m.put("mean", r.getDouble(1));
        m.put("std", r.isNullAt(2) ? 0.0 : r.getDouble(2));
        m.put("min", ((Number) r.get(3)).doubleValue());
        m.put("max", ((Number) r.get(4)).doubleValue());
        m.put("p50", q[0]);
        m.put("p95", q[1]);
        m.put("p99", q[2]);
        return m;
    }

    /** The threshold.* settings of a method and its parameters, read here only and validated once. */
    public record Options(String method, double percentile, double relativeError, double k, double targetFpr,
                          double scale, int curveBins, long minSegmentRows, double potInitialQuantile,
                          double potRisk) implements java.io.Serializable {
        public static Options from(Settings s) {
            Options o = new Options(ThresholdCalculator.method(s), s.number("threshold.percentile"), s.number("threshold.relative-error"),
                    s.number("threshold.k"), s.number("threshold.target-fpr"), s.number("threshold.scale"),
                    s.integer("threshold.curve-bins"), s.longValue("threshold.min-segment-rows"),
                    s.number("threshold.pot.initial-quantile"), s.number("threshold.pot.risk"));
            if (POT.equals(o.method)) {
                PeaksOverThreshold.validate(o.potInitialQuantile, o.potRisk);
            }
            if (PERCENTILE.equals(o.method) && (o.percentile <= 0 || o.percentile >= 1)) {
                throw new LakeadException("Setting 'threshold.percentile' must be in (0, 1), got " + o.percentile);
            }
            if (o.relativeError < 0 || o.relativeError >= 1) {
                throw new LakeadException("Setting 'threshold.relative-error' must be in [0, 1), got "
                        + o.relativeError);
            }
            if (TARGET_FPR.equals(o.method) && (o.targetFpr < 0 || o.targetFpr >= 1)) {
                throw new LakeadException("Setting 'threshold.target-fpr' must be in [0, 1), got " + o.targetFpr);
            }
            if (o.scale <= 0) {
                throw new LakeadException("Setting 'threshold.scale' must be positive, got " + o.scale);
            }
            if (o.minSegmentRows < 1) {
                throw new LakeadException("Setting 'threshold.min-segment-rows' must be at least 1, got "
                        + o.minSegmentRows);
            }
            return o;
        }

        ScoreCurve.Point pick(ScoreCurve curve) {
            return switch (method) {
                case YOUDEN -> curve.maxYouden();
                case MAX_F1 -> curve.maxF1();
                case TARGET_FPR -> curve.lowestWithFprAtMost(targetFpr);
                default -> throw new IllegalStateException(method);
            };
        }

        Map<String, Object> methodParams() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (TARGET_FPR.equals(method)) {
                m.put("target_fpr", targetFpr);
            }
            m.put("curve_bins", curveBins);
            return m;
        }
    }
}
