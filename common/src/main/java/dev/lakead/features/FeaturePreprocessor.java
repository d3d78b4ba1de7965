package dev.lakead.features;

import dev.lakead.LakeadException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.RobustScaler;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

/**
 * Estimator for {@link FeaturePipeline}: MLlib's mean Imputer, VectorAssembler and a scaler, fitted on
 * training rows. MLlib's scalers map a zero-variance column to 0 (standard, robust) or 0.5 (minmax), never NaN; the
 * standard scaler's deviations are floored by {@link DeviationFloor} (flags, near-constant features).
 */
public final class FeaturePreprocessor {
    public static final String STANDARD = "standard";
    public static final String MINMAX = "minmax";
    /** Median and interquartile range: heavy-tailed features keep their normal rows' spread. */
    public static final String ROBUST = "robust";

    /** The scaler setting (features.scaler), checked against the scalers there are: the one place that lists them. */
    public static String scaler(dev.lakead.config.Settings s) {
        return s.choice("features.scaler", STANDARD, MINMAX, ROBUST);
    }

    private final List<String> columns;
    private final String scaler;

    public FeaturePreprocessor(List<String> columns, String scaler) {
        if (!STANDARD.equals(scaler) && !MINMAX.equals(scaler) && !ROBUST.equals(scaler)) {
            throw new LakeadException("Setting 'features.scaler' must be standard, minmax or robust, got '" + scaler
                    + "'");
        }
        this.columns = List.copyOf(columns);
        this.scaler = scaler;
    }

    public FeaturePipeline fit(Dataset<Row> training) {
        FeatureSelection.requireNumeric(training.schema(), columns, "features.columns");
        Dataset<Row> clean = FeaturePipeline.withCleanColumns(training, columns);
        requireSomeValues(clean);

        String[] cleanCols = new String[columns.size()];
        String[] imputedCols = new String[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            cleanCols[i] = FeaturePipeline.CLEAN_PREFIX + i;
            imputedCols[i] = FeaturePipeline.IMPUTED_PREFIX + i;
        }
        Imputer imputer = new Imputer().setStrategy("mean").setInputCols(cleanCols).setOutputCols(imputedCols);
        VectorAssembler assembler = new VectorAssembler().setInputCols(imputedCols)
                .setOutputCol(FeaturePipeline.RAW_VECTOR).setHandleInvalid("error");
        PipelineStage scale = MINMAX.equals(scaler)
                ? new MinMaxScaler().setInputCol(FeaturePipeline.RAW_VECTOR).setOutputCol(FeaturePipeline.FEATURES)
                : ROBUST.equals(scaler)
                ? new RobustScaler().setWithCentering(true).setWithScaling(true)
                        .setInputCol(FeaturePipeline.RAW_VECTOR).setOutputCol(FeaturePipeline.FEATURES)
                : new StandardScaler().setWithMean(true).setWithStd(true)
                        .setInputCol(FeaturePipeline.RAW_VECTOR).setOutputCol(FeaturePipeline.FEATURES);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[]{imputer, assembler, scale}).fit(clean);
        if (STANDARD.equals(scaler)) { // flags and near-constant features: bounded contributions (DeviationFloor)
            model = DeviationFloor.apply(model, 2, DeviationFloor.of(clean, List.of(cleanCols)));
        }
        return new FeaturePipeline(columns, scaler, model);
    }

    /** A column with no value at all cannot be imputed: say which one. */
    private void requireSomeValues(Dataset<Row> clean) {
        List<Column> counts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            counts.add(count(col(FeaturePipeline.CLEAN_PREFIX + i)));
        }
        Row row = clean.agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0])).first();
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (row.getLong(i) == 0L) {
                empty.add(columns.get(i));
            }
        }
        if (!empty.isEmpty()) {
            throw new LakeadException("Feature column" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty)
                    + " has no usable value in the training data (all null, NaN or infinite)");
        }
    }
}
