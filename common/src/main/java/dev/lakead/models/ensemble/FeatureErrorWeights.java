package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;

/**
 * Weights that put every feature's reconstruction error in units of its own mean error on the training rows, so
 * that a feature the model reconstructs poorly even on normal rows (noise, heavy tails) does not decide the score,
 * while a feature it reconstructs well counts each deviation. A floor at a fraction of the median feature's error
 * keeps a near-constant feature from turning tiny deviations into huge scores.
 */
final class FeatureErrorWeights {
    /** No feature's unit is below this fraction of the median feature's mean training error. */
    static final double FLOOR_FRACTION = 0.1;

    private FeatureErrorWeights() {
    }

    /** Mean error of each feature over the training rows, scored per partition on the executors. */
    static double[] fromTrainingErrors(Dataset<Row> features, AnomalyModel member, BatchRows batchRows) {
        Dataset<Row> scored = BatchScorer.scoreVectors(features.select(FeaturePipeline.FEATURES), List.of(), member,
                batchRows, new BatchScorer.Outputs(BatchScorer.LatentExport.NONE, true));
        List<Row> means = scored.select(posexplode(col(BatchScorer.FEATURE_ERRORS)))
                .groupBy("pos").agg(avg("col")).collectAsList(); // one row per feature
        double[] mean = new double[member.inputSize()];
        for (Row r : means) {
            mean[r.getInt(0)] = r.getDouble(1);
        }
        return of(mean);
    }

    static double[] of(double[] meanErrors) {
        double[] sorted = meanErrors.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double floor = Math.max(FLOOR_FRACTION * median, 1e-12);
        double[] w = new double[meanErrors.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = 1.0 / Math.max(meanErrors[j], floor);
        }
        return w;
    }
}
