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
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
        Row stats = aggregate(FeaturePipeline.withCleanColumns(training, columns), statistics(null));
        return fit(training, stats, 0);
    }

    /** A fit on the rows of an input whose features are not all missing, and the row counts of that input. */
    public record Fitted(FeaturePipeline pipeline, Dataset<Row> rows, long inputRows, long excludedRows) {
        public long trainingRows() {
            return inputRows - excludedRows;
        }
    }

    /**
     * Fits on the rows of {@code input} whose feature values are not all missing (see
     * {@link FeaturePipeline#allMissing}); {@code noTrainingRows} is thrown when there are none. The rows are counted
     * in the same pass over the input as the value counts and deviation floors (a row with every feature missing
     * adds nothing to those: they ignore nulls).
     */
    public Fitted fitExcludingAllMissing(Dataset<Row> input, Supplier<? extends RuntimeException> noTrainingRows) {
        FeatureSelection.requireNumeric(input.schema(), columns, "features.columns");
        Column allMissing = FeaturePipeline.allMissing(columns);
        Row stats = aggregate(FeaturePipeline.withCleanColumns(input, columns), statistics(allMissing));
        long inputRows = stats.getLong(0);
        long excluded = stats.isNullAt(1) ? 0 : stats.getLong(1);
        if (inputRows - excluded == 0) {
            throw noTrainingRows.get();
        }
        Dataset<Row> rows = input.where(not(allMissing));
        return new Fitted(fit(rows, stats, 2), rows, inputRows, excluded);
    }

    /** Fits on {@code training}, whose statistics (see {@link #statistics}) start at field {@code from} of stats. */
    private FeaturePipeline fit(Dataset<Row> training, Row stats, int from) {
        Dataset<Row> clean = FeaturePipeline.withCleanColumns(training, columns);
        String[] cleanCols = new String[columns.size()];
        String[] imputedCols = new String[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            cleanCols[i] = FeaturePipeline.CLEAN_PREFIX + i;
            imputedCols[i] = FeaturePipeline.IMPUTED_PREFIX + i;
        }
        requireSomeValues(stats, from);
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
            model = DeviationFloor.apply(model, 2, DeviationFloor.of(stats, from + columns.size(), columns.size()));
        }
        return new FeaturePipeline(columns, scaler, model);
    }

    /**
     * One aggregation over the input with __clean_i columns: with {@code allMissing}, the number of rows and of rows
     * it is true for; then each feature's count of usable values and, for the standard scaler, the
     * {@link DeviationFloor} aggregates.
     */
    private Column[] statistics(Column allMissing) {
        List<Column> aggs = new ArrayList<>();
        if (allMissing != null) {
            aggs.add(count(lit(1)));
            aggs.add(sum(when(allMissing, 1).otherwise(0)));
        }
        List<String> cleanCols = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            aggs.add(count(col(FeaturePipeline.CLEAN_PREFIX + i)));
            cleanCols.add(FeaturePipeline.CLEAN_PREFIX + i);
        }
        if (STANDARD.equals(scaler)) {
            aggs.addAll(DeviationFloor.aggregates(cleanCols));
        }
        return aggs.toArray(new Column[0]);
    }

    private static Row aggregate(Dataset<Row> rows, Column[] aggs) {
        return rows.agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length)).first();
    }

    /** A column with no value at all cannot be imputed: say which one (the counts start at field from). */
    private void requireSomeValues(Row stats, int from) {
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (stats.getLong(from + i) == 0L) {
                empty.add(columns.get(i));
            }
        }
        if (!empty.isEmpty()) {
            throw new LakeadException("Feature column" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty)
                    + " has no usable value in the training data (all null, NaN or infinite)");
        }
    }
}
