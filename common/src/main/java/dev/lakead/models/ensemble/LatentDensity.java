package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.batch.BatchScorer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A Gaussian fitted to the latent codes of the (normal) training rows: a row's score is the squared Mahalanobis
 * distance of its code from them. An autoencoder reconstructs some anomalies well (they sit on the manifold it
 * learned, only in a region normal rows never reach); their codes still land far from the normal ones. This is the
 * autoencoder's counterpart of the VAE's KL term (4.2.3), with the training codes' own mean and covariance in place
 * of the prior.
 *
 * @param mean      the training codes' mean
 * @param precision the inverse of their covariance, shrunk towards a multiple of the identity first
 */
record LatentDensity(double[] mean, double[][] precision) implements java.io.Serializable {
    /** Ridge added to the covariance's diagonal, as a fraction of its mean variance: keeps it invertible. */
    static final double SHRINKAGE = 1e-3;

    double[] distances(INDArray codes) {
        double[][] z = codes.toDoubleMatrix();
        double[] out = new double[z.length];
        for (int r = 0; r < z.length; r++) {
            out[r] = distance(z[r]);
        }
        return out;
    }

    /** The squared Mahalanobis distance of one code. */
    double distance(double[] code) {
        int k = mean.length;
        double[] centred = new double[k];
        for (int j = 0; j < k; j++) {
            centred[j] = code[j] - mean[j];
        }
        double d = 0;
        for (int i = 0; i < k; i++) {
            double row = 0;
            for (int j = 0; j < k; j++) {
                row += precision[i][j] * centred[j];
            }
            d += centred[i] * row;
        }
        return d;
    }

    /**
     * Fits the density to a member's codes of the training rows (computed per partition on the executors; mean and
     * covariance by MLlib) and the scale of those rows' distances, as the ensemble's latent term for that member.
     */
    static EnsembleModel.LatentTerm fitTerm(Dataset<Row> features, AnomalyModel member, double quantile,
                                            BatchRows batchRows) {
        Dataset<Row> codes = BatchScorer.scoreVectors(features.select(FeaturePipeline.FEATURES), List.of(), member,
                batchRows, new BatchScorer.Outputs(BatchScorer.LatentExport.VECTOR, false))
                .select(BatchScorer.LATENT).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            RowMatrix matrix = new RowMatrix(codes.javaRDD().map(r -> Vectors.fromML(r.getAs(0))).rdd());
            LatentDensity density = of(matrix.computeColumnSummaryStatistics().mean().toArray(),
                    matrix.computeCovariance());
            Dataset<Row> distances = codes.map((MapFunction<Row, Double>) r ->
                    density.distance(((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray()), Encoders.DOUBLE())
                    .toDF(BatchScorer.SCORE);
            return new EnsembleModel.LatentTerm(density, ScoreScale.fromScores(distances, quantile));
        } finally {
            codes.unpersist();
        }
    }

    static LatentDensity of(double[] mean, Matrix covariance) {
        int k = mean.length;
        RealMatrix cov = new Array2DRowRealMatrix(k, k);
        double trace = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cov.setEntry(i, j, covariance.apply(i, j));
            }
            trace += covariance.apply(i, i);
        }
        double ridge = Math.max(SHRINKAGE * trace / k, 1e-12);
        for (int i = 0; i < k; i++) {
            cov.addToEntry(i, i, ridge);
        }
        return new LatentDensity(mean, new LUDecomposition(cov).getSolver().getInverse().getData());
    }
}
