package dev.lakead;

import dev.lakead.features.FeaturePipeline;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * The simple detectors a deep model has to beat on the same rows, computed in the test from the same scaled
 * features ({@link FeaturePipeline#FEATURES}): PCA reconstruction error and the squared z-score (the distance from
 * the training mean in standardised units). Both ROC-AUCs come from MLlib's evaluator, not from our code.
 */
public final class Baselines {
    private Baselines() {
    }

    /** ROC-AUC of PCA's reconstruction error with k components fitted on {@code train}, on {@code test}. */
    public static double pcaAuc(Dataset<Row> train, Dataset<Row> test, String label, int k) {
        PCAModel pca = new PCA().setInputCol(FeaturePipeline.FEATURES).setOutputCol("__pc").setK(k).fit(train);
        DenseMatrix pc = pca.pc(); // [d, k], orthonormal columns
        UserDefinedFunction error = udf((UDF1<Vector, Double>) x -> {
            double[] v = x.toArray();
            double[] proj = new double[v.length];
            for (int j = 0; j < pc.numCols(); j++) {
                double dot = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += v[i] * pc.apply(i, j);
                }
                for (int i = 0; i < v.length; i++) {
                    proj[i] += dot * pc.apply(i, j);
                }
            }
            double e = 0;
            for (int i = 0; i < v.length; i++) {
                e += (v[i] - proj[i]) * (v[i] - proj[i]);
            }
            return e;
        }, DataTypes.DoubleType);
        return auc(test.withColumn("__baseline", error.apply(col(FeaturePipeline.FEATURES))), label);
    }

    /** ROC-AUC of the squared z-score (standard-scaled features: their squared norm). */
    public static double zScoreAuc(Dataset<Row> test, String label) {
        UserDefinedFunction norm = udf((UDF1<Vector, Double>) x -> {
            double s = 0;
            for (double v : x.toArray()) {
                s += v * v;
            }
            return s;
        }, DataTypes.DoubleType);
        return auc(test.withColumn("__baseline", norm.apply(col(FeaturePipeline.FEATURES))), label);
    }

    private static double auc(Dataset<Row> scored, String label) {
        return new BinaryClassificationEvaluator().setLabelCol("__label").setRawPredictionCol("__baseline")
                .evaluate(scored.withColumn("__label", col(label).cast("double")));
    }
}
