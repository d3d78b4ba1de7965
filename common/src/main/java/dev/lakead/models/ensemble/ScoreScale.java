package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * How one member's raw score is put on a common scale: (s - centre) / spread, where centre is the median of the
 * member's scores on the (normal) training rows and spread the distance from it to a high quantile. Members then
 * weigh alike whatever their units (squared error, negative log-likelihood, ...), and no labels are involved.
 */
record ScoreScale(double centre, double spread) {
    /** Relative rank error of Spark's approxQuantile for the two statistics. */
    static final double RELATIVE_ERROR = 0.001;

    double normalise(double score) {
        return (score - centre) / spread;
    }

    /** Scores the training rows per partition on the executors and takes the two quantiles with Spark. */
    static ScoreScale fromTrainingScores(Dataset<Row> features, AnomalyModel member, double quantile,
                                         BatchRows batchRows) {
        return fromScores(BatchScorer.scoreVectors(features.select(FeaturePipeline.FEATURES), List.of(), member,
                batchRows, BatchScorer.Outputs.SCORE_ONLY), quantile);
    }

    /** The median and the quantile of a column of scores named {@link BatchScorer#SCORE}, by Spark. */
    static ScoreScale fromScores(Dataset<Row> scores, double quantile) {
        double[] q = scores.stat().approxQuantile(BatchScorer.SCORE, new double[]{0.5, quantile}, RELATIVE_ERROR);
        return of(q[0], q[1]);
    }

    /** A degenerate member (every training score equal) keeps a tiny positive spread instead of dividing by 0. */
    static ScoreScale of(double median, double high) {
        double spread = high - median;
        double floor = 1e-6 * Math.max(1.0, Math.abs(median));
        return new ScoreScale(median, spread > floor ? spread : floor);
    }
}
