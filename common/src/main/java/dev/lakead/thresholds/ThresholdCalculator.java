package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;

/**
 * Thresholds from the training scores, computed on the executors (4.1.2): the p-th percentile with Spark's
 * approxQuantile (rank error at most relativeError * n), or mean + k * sigma.
 */
public final class ThresholdCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdCalculator.class);
    public static final String PERCENTILE = "percentile";
    public static final String MEAN_STD = "mean-std";

    private ThresholdCalculator() {
    }

    public static Threshold compute(Dataset<Row> scores, String scoreColumn, Settings settings) {
        String method = settings.choice("threshold.method", PERCENTILE, MEAN_STD);
        double p = settings.number("threshold.percentile");
        double relErr = settings.number("threshold.relative-error");
        double k = settings.number("threshold.k");
        if (PERCENTILE.equals(method) && (p <= 0 || p >= 1)) {
            throw new LakeadException("Setting 'threshold.percentile' must be in (0, 1), got " + p);
        }
        if (relErr < 0 || relErr >= 1) {
            throw new LakeadException("Setting 'threshold.relative-error' must be in [0, 1), got " + relErr);
        }
        double scale = settings.number("threshold.scale");
        if (scale <= 0) {
            throw new LakeadException("Setting 'threshold.scale' must be positive, got " + scale);
        }
        // one pass for all quantiles: the summary ones and, for the percentile method, the threshold itself
        double[] q = scores.stat().approxQuantile(scoreColumn,
                new double[]{0.5, 0.95, 0.99, PERCENTILE.equals(method) ? p : 0.5}, relErr);
        Map<String, Object> stats = stats(scores, scoreColumn, q);
        double value;
        Map<String, Object> params;
        if (PERCENTILE.equals(method)) {
            value = q[3];
            params = Threshold.params("percentile", p, "relative_error", relErr);
        } else {
            value = (double) stats.get("mean") + k * (double) stats.get("std");
            params = Threshold.params("k", k);
        }
        if (scale != 1.0) {
            value *= scale;
            params.put("scale", scale);
        }
        Threshold t = new Threshold(value, method, params, stats);
        LOG.info("Threshold {} from {} training scores (mean {}, std {})", t.describe(), stats.get("count"),
                stats.get("mean"), stats.get("std"));
        return t;
    }

    private static Map<String, Object> stats(Dataset<Row> scores, String c, double[] q) {
        Row r = scores.agg(count(col(c)), avg(col(c)), stddev_samp(col(c)), min(col(c)), max(col(c))).first();
        long n = r.getLong(0);
        if (n == 0 || q.length == 0) {
            throw new LakeadException("Cannot set a threshold: there are no training scores");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", n);
        m.put("mean", r.getDouble(1));
        m.put("std", r.isNullAt(2) ? 0.0 : r.getDouble(2));
        m.put("min", r.getDouble(3));
        m.put("max", r.getDouble(4));
        m.put("p50", q[0]);
        m.put("p95", q[1]);
        m.put("p99", q[2]);
        return m;
    }
}
