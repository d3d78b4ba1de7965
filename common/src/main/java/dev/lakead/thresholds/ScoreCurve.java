package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static dev.lakead.io.ColumnRef.col;

/**
 * Confusion counts of a labelled score set at every candidate threshold (decision: score &gt; threshold), computed
 * on the executors from a histogram. Candidates are the distinct scores when there are at most {@code maxBins} of
 * them (then every count is exact), otherwise {@code maxBins} quantiles of the scores; each partition counts its
 * rows per bin and only the per-bin counts reach the driver, so a validation table of any size works.
 * The ROC curve, precision-recall curve and every labelled threshold rule are read from these counts.
 */
public final class ScoreCurve implements Serializable {
    /** Counts when every score above {@code threshold} is flagged. */
    public record Point(double threshold, long tp, long fp, long fn, long tn) implements Serializable {
        public double tpr() {
            return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        }

        public double fpr() {
            return fp + tn == 0 ? 0 : (double) fp / (fp + tn);
        }

        public double precision() {
            return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        }

        public double f1() {
            return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }

        public double youden() {
            return tpr() - fpr();
        }
    }

    private final List<Point> points; // ascending threshold; the first flags every row

    private ScoreCurve(List<Point> points) {
        this.points = points;
    }

    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }

    /** The candidate thresholds of {@code scores} (a double column), shared by the global and per-segment curves. */
    public static double[] candidates(Dataset<Row> scores, String scoreColumn, int maxBins) {
        if (maxBins < 2) {
            throw new LakeadException("Setting 'threshold.curve-bins' must be at least 2, got " + maxBins);
        }
        Dataset<Row> values = scores.select(col(scoreColumn).cast("double")).where(col(scoreColumn).isNotNull());
        List<Row> distinct = values.distinct().limit(maxBins + 1).collectAsList();
        double[] c;
        if (distinct.size() <= maxBins) {
            c = distinct.stream().mapToDouble(r -> r.getDouble(0)).sorted().toArray();
        } else {
            double[] probs = new double[maxBins];
            for (int i = 0; i < maxBins; i++) {
                probs[i] = (double) i / (maxBins - 1);
            }
            c = Arrays.stream(values.stat().approxQuantile(values.columns()[0], probs, 0.25 / maxBins))
                    .sorted().distinct().toArray();
        }
        if (c.length == 0) {
            throw new LakeadException("Cannot compute a threshold curve: no scores");
        }
        double[] withFloor = new double[c.length + 1]; // a threshold below every score flags all rows
        withFloor[0] = Math.nextDown(c[0]);
        System.arraycopy(c, 0, withFloor, 1, c.length);
        return withFloor;
    }

    /** The curve of {@code scores} with a 0/1 {@code labelColumn} (rows without a label are ignored). */
    public static ScoreCurve compute(Dataset<Row> scores, String scoreColumn, String labelColumn, int maxBins) {
        double[] candidates = candidates(scores.where(col(labelColumn).isNotNull()), scoreColumn, maxBins);
        return perSegment(scores, scoreColumn, labelColumn, null, candidates).get(null);
    }

    /**
     * One curve per value of {@code segmentColumn} (null: one curve for all rows, under the key null), all on the
     * same candidate thresholds. Segment values are compared as strings.
     */
    public static Map<String, ScoreCurve> perSegment(Dataset<Row> scores, String scoreColumn, String labelColumn,
                                                     String segmentColumn, double[] candidates) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(scores.sparkSession().sparkContext());
        Broadcast<double[]> cuts = sc.broadcast(candidates);
        int bins = candidates.length + 1;
        Dataset<Row> rows = scores.select(col(scoreColumn).cast("double"), col(labelColumn).cast("double"),
                segmentColumn == null ? org.apache.spark.sql.functions.lit(null).cast("string")
                        : col(segmentColumn).cast("string"))
                .where(col(labelColumn).isNotNull().and(col(scoreColumn).isNotNull()));
        List<Tuple2<String, long[]>> counts = rows.javaRDD().mapPartitionsToPair(it -> {
            Map<String, long[]> local = new HashMap<>();
            double[] c = cuts.value();
            while (it.hasNext()) {
                Row r = it.next();
                long[] h = local.computeIfAbsent(r.getString(2), k -> new long[2 * bins]);
                int bin = binOf(c, r.getDouble(0));
                h[2 * bin + (r.getDouble(1) > 0 ? 1 : 0)]++;
            }
            List<Tuple2<String, long[]>> out = new ArrayList<>();
            local.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
            Iterator<Tuple2<String, long[]>> result = out.iterator();
            return result;
        }).reduceByKey((a, b) -> {
            long[] sum = a.clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += b[i];
            }
            return sum;
        }).collect();
        cuts.destroy();
        Map<String, ScoreCurve> curves = new HashMap<>();
        for (Tuple2<String, long[]> t : counts) {
            curves.put(t._1(), fromHistogram(candidates, t._2()));
        }
        if (segmentColumn == null && curves.isEmpty()) {
            throw new LakeadException("No labelled scores to compute a threshold curve from (label column '"
                    + labelColumn + "')");
        }
        return curves;
    }

    /** Number of candidates strictly below the score: a row is flagged at candidate j iff its bin is above j. */
    static int binOf(double[] candidates, double score) {
        int i = Arrays.binarySearch(candidates, score);
        if (i >= 0) {
            while (i > 0 && candidates[i - 1] == score) {
                i--;
            }
            return i;
        }
        return -i - 1;
    }

    /** Cumulates the per-bin counts (normal, anomaly per bin) from the top into one point per candidate. */
    static ScoreCurve fromHistogram(double[] candidates, long[] histogram) {
        int bins = candidates.length + 1;
        long positives = 0;
        long negatives = 0;
        for (int b = 0; b < bins; b++) {
            negatives += histogram[2 * b];
            positives += histogram[2 * b + 1];
        }
        List<Point> points = new ArrayList<>(candidates.length);
        long tp = 0;
        long fp = 0;
        Point[] byCandidate = new Point[candidates.length];
        for (int j = candidates.length - 1; j >= 0; j--) { // rows in bins > j are flagged at candidate j
            tp += histogram[2 * (j + 1) + 1];
            fp += histogram[2 * (j + 1)];
            byCandidate[j] = new Point(candidates[j], tp, fp, positives - tp, negatives - fp);
        }
        points.addAll(Arrays.asList(byCandidate));
        return new ScoreCurve(points);
    }

    /** The threshold that maximises Youden's J = TPR − FPR (ties: the higher threshold, fewer alarms). */
    public Point maxYouden() {
        return best(Point::youden);
    }

    /** The threshold that maximises F1 of the anomaly class (ties: the higher threshold). */
    public Point maxF1() {
        return best(Point::f1);
    }

    /** The lowest threshold whose false-positive rate is at most {@code target} (問5). */
    public Point lowestWithFprAtMost(double target) {
        for (Point p : points) {
            if (p.fpr() <= target) {
                return p;
            }
        }
        return points.get(points.size() - 1);
    }

    private Point best(java.util.function.ToDoubleFunction<Point> metric) {
        Point best = points.get(0);
        for (Point p : points) {
            if (metric.applyAsDouble(p) >= metric.applyAsDouble(best)) {
                best = p;
            }
        }
        return best;
    }

    public long positives() {
        Point p = points.get(0);
        return p.tp() + p.fn();
    }

    public long negatives() {
        Point p = points.get(0);
        return p.fp() + p.tn();
    }

    /** ROC points (FPR, TPR) from (1, 1) down to the highest threshold, plus (0, 0). */
    public List<double[]> roc() {
        List<double[]> out = new ArrayList<>();
        out.add(new double[]{1, 1});
        for (Point p : points) {
            out.add(new double[]{p.fpr(), p.tpr()});
        }
        out.add(new double[]{0, 0});
        return out;
    }

    /** Precision-recall points (recall, precision), from the lowest threshold up. */
    public List<double[]> precisionRecall() {
        List<double[]> out = new ArrayList<>();
        for (Point p : points) {
            if (p.tp() + p.fp() > 0) {
                out.add(new double[]{p.tpr(), p.precision()});
            }
        }
        return out;
    }

    /** Area under the ROC curve by the trapezoid rule over the candidate points. */
    public double rocAuc() {
        List<double[]> roc = roc();
        double area = 0;
        for (int i = 1; i < roc.size(); i++) {
            area += (roc.get(i - 1)[0] - roc.get(i)[0]) * (roc.get(i - 1)[1] + roc.get(i)[1]) / 2;
        }
        return area;
    }

    /** Average precision: Σ (R_n − R_{n−1}) · P_n over thresholds from high to low. */
    public double averagePrecision() {
        double ap = 0;
        double previousRecall = 0;
        for (int i = points.size() - 1; i >= 0; i--) {
            Point p = points.get(i);
            if (p.tp() + p.fp() == 0) {
                continue;
            }
            ap += (p.tpr() - previousRecall) * p.precision();
            previousRecall = p.tpr();
        }
        return ap;
    }
}
