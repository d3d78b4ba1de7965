package dev.lakead.evaluation;

import dev.lakead.features.FeaturePipeline;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * The simple detectors a deep model has to beat on the same rows, computed from the same prepared features
 * ({@link FeaturePipeline#FEATURES}) standardised with the training rows' mean and deviation: PCA's reconstruction
 * error with k components fitted on the training rows, and the squared z-score summed over the features (a
 * per-feature detector). ROC-AUCs come from MLlib's evaluator. Used by the quality tests and bench-testcheck.
 */
public final class LinearBaselines {
    private static final String SCORE = "__baseline";
    private static final String Z = "__z";

    /** One baseline's ROC-AUC on the test rows; name is "pca-k" or "z-score". */
    public record Result(String name, double auc) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.4f", name, auc);
        }
    }

    private LinearBaselines() {
    }

    /** The fewest principal components of the training rows that explain at least {@code share} of their variance. */
    public static int componentsExplaining(Dataset<Row> train, double share) {
        Dataset<Row> z = standardised(train, train);
        double[] explained = new PCA().setInputCol(Z).setK(width(train)).fit(z).explainedVariance().toArray();
        double sum = 0;
        for (int k = 0; k < explained.length; k++) {
            sum += explained[k];
            if (sum >= share - 1e-12) {
                return k + 1;
            }
        }
        return explained.length;
    }

    /** ROC-AUC of PCA's reconstruction error with {@code k} components fitted on {@code train}, on {@code test}. */
    public static double pcaAuc(Dataset<Row> train, Dataset<Row> test, String label, int k) {
        DenseMatrix pc = new PCA().setInputCol(Z).setK(k).fit(standardised(train, train)).pc(); // [d, k]
        UserDefinedFunction error = udf((UDF1<Vector, Double>) x -> residual(x.toArray(), pc, k),
                DataTypes.DoubleType);
        return auc(standardised(train, test).withColumn(SCORE, error.apply(col(Z))), label);
    }

    /** ROC-AUC of the squared z-score (mean and deviation of the training rows). */
    public static double zScoreAuc(Dataset<Row> train, Dataset<Row> test, String label) {
        UserDefinedFunction norm = udf((UDF1<Vector, Double>) x -> {
            double s = 0;
            for (double v : x.toArray()) {
                s += v * v;
            }
            return s;
        }, DataTypes.DoubleType);
        return auc(standardised(train, test).withColumn(SCORE, norm.apply(col(Z))), label);
    }

    /**
     * Every baseline, strongest first: PCA with each k from 1 to the width - 1 (the best k picked on the test labels,
     * which favours the baseline) and the z-score.
     */
    public static List<Result> all(Dataset<Row> train, Dataset<Row> test, String label) {
        List<Result> results = new ArrayList<>();
        for (int k = 1; k < width(train); k++) {
            results.add(new Result("pca-" + k, pcaAuc(train, test, label, k)));
        }
        results.add(new Result("z-score", zScoreAuc(train, test, label)));
        results.sort(Comparator.comparingDouble(Result::auc).reversed());
        return results;
    }

    /**
     * Every baseline of a model's own rows, strongest first: the model's prepared features of {@code rows}, fitted on
     * the rows of {@code trainWhere} (the model's training filter), evaluated on those of {@code testWhere}.
     */
    public static List<Result> all(FeaturePipeline features, Dataset<Row> rows, String trainWhere, String testWhere,
                                   String label) {
        return all(features.transform(rows.where(trainWhere)), features.transform(rows.where(testWhere)), label);
    }

    /** The strongest of {@link #all(FeaturePipeline, Dataset, String, String, String)}. */
    public static Result strongest(FeaturePipeline features, Dataset<Row> rows, String trainWhere, String testWhere,
                                   String label) {
        return all(features, rows, trainWhere, testWhere, label).get(0);
    }

    /** The strongest of {@link #all}. */
    public static Result strongest(Dataset<Row> train, Dataset<Row> test, String label) {
        return all(train, test, label).get(0);
    }

    /** {@code rows} with {@value #Z}: the features minus the training mean, over the training deviation (0 if 0). */
    private static Dataset<Row> standardised(Dataset<Row> train, Dataset<Row> rows) {
        Row stats = train.select(Summarizer.metrics("mean", "std").summary(col(FeaturePipeline.FEATURES)).as("s"))
                .select("s.mean", "s.std").first();
        double[] mean = ((Vector) stats.get(0)).toArray();
        double[] std = ((Vector) stats.get(1)).toArray();
        UserDefinedFunction z = udf((UDF1<Vector, Vector>) x -> {
            double[] v = x.toArray();
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = std[i] > 0 ? (v[i] - mean[i]) / std[i] : 0.0;
            }
            return Vectors.dense(out);
        }, new VectorUDT());
        return rows.withColumn(Z, z.apply(col(FeaturePipeline.FEATURES)));
    }

    private static int width(Dataset<Row> rows) {
        return ((Vector) rows.select(FeaturePipeline.FEATURES).first().get(0)).size();
    }

    /** Squared distance of x from its projection on the first k principal directions. */
    private static double residual(double[] x, DenseMatrix pc, int k) {
        double[] projection = new double[x.length];
        for (int j = 0; j < k; j++) {
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * pc.apply(i, j);
            }
            for (int i = 0; i < x.length; i++) {
                projection[i] += dot * pc.apply(i, j);
            }
        }
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            e += (x[i] - projection[i]) * (x[i] - projection[i]);
        }
        return e;
    }

    private static double auc(Dataset<Row> scored, String label) {
        return new BinaryClassificationEvaluator().setLabelCol("__label").setRawPredictionCol(SCORE)
                .evaluate(scored.withColumn("__label", col(label).cast("double")));
    }
}
