package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.features.FeatureSelection;
import dev.lakead.io.ColumnRef;
import dev.lakead.io.InputAudit;
import dev.lakead.io.TableReader;
import dev.lakead.models.ModelFamilies;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * preprocess: reads the training table, picks and checks the feature columns, fits imputation + scaling, and
 * writes the prepared training features. Rows whose features are all missing are excluded and counted.
 */
public final class PreprocessStep {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessStep.class);

    private PreprocessStep() {
    }

    public record Result(String preparedPath, List<String> featureColumns, long inputRows, long excludedRows,
                         long trainingRows, InputAudit.Report audit) {
    }

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        String out = PreparedData.path(s);
        TableReader.Table table = TableReader.read(ctx.spark(), s);
        var series = ModelFamilies.get(ModelConfig.from(s).type()).scoring(s).series();
        List<String> notFeatures = new ArrayList<>(table.partitionColumns());
        List<String> carried = new ArrayList<>();
        if (series.isPresent()) { // time series: entity and time are keys, kept with the prepared rows for windows
            carried.addAll(series.get().both());
            for (String c : carried) {
                if (!Arrays.asList(table.rows().columns()).contains(c)) {
                    throw new dev.lakead.LakeadException("Time-series column '" + c + "' (settings timeseries.*) is"
                            + " not in the input; input columns: " + String.join(", ", table.rows().columns()));
                }
            }
            notFeatures.addAll(carried);
        }
        String segment = dev.lakead.thresholds.ThresholdCalculator.segmentColumn(s);
        if (!segment.isBlank() && !carried.contains(segment)) { // per-segment thresholds need it with the scores
            if (!Arrays.asList(table.rows().columns()).contains(segment)) {
                throw new dev.lakead.LakeadException("Segment column '" + segment + "' (setting"
                        + " 'threshold.segment-column') is not in the input; input columns: "
                        + String.join(", ", table.rows().columns()));
            }
            carried.add(segment);
            notFeatures.add(segment);
        }
        // configured columns are audited as numbers (a few bad values in text input do not make them text columns),
        // then checked on the audited table's types
        List<String> configured = FeatureSelection.configured(s);
        InputAudit.Audited audited = InputAudit.audit(ctx.spark(), table, configured.isEmpty()
                ? FeatureSelection.resolve(table.rows().schema(), s, notFeatures) : configured, s, "features.columns");
        Dataset<Row> input = audited.rows();
        List<String> columns = FeatureSelection.resolve(input.schema(), s, notFeatures);
        LOG.info("Feature columns ({}): {}", columns.size(), columns);

        String where = TableReader.where(s);
        Prepared prepared = prepare(input, columns, carried, s, table.path()
                + (where.isBlank() ? "" : " matching input.where '" + where + "'"));
        FeaturePipeline pipeline = prepared.pipeline();
        long inputRows = prepared.inputRows();
        long excluded = prepared.excludedRows();
        long training = inputRows - excluded;

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("input_path", table.path());
        info.put("input_where", where);
        info.put("feature_columns", columns);
        info.put("scaler", pipeline.scaler());
        info.put("input_rows", inputRows);
        info.put("excluded_rows_all_features_missing", excluded);
        info.put("training_rows", training);
        info.put("input_audit", audited.report().toMap());
        PreparedData.write(ctx.files(), out, pipeline, prepared.features(), info);
        LOG.info("Prepared training data written to {}", out);
        return new Result(out, columns, inputRows, excluded, training, audited.report());
    }

    /** Preprocessing fitted on training rows: the pipeline and the rows' scaled features (with the carried columns). */
    public record Prepared(FeaturePipeline pipeline, Dataset<Row> features, long inputRows, long excludedRows) {
    }

    /**
     * The preprocess job's core, shared with {@code ml.AnomalyDetector.fit}: excludes (and counts) the rows whose
     * features are all missing, fits imputation + scaling on the others, and selects the carried columns and
     * {@link FeaturePipeline#FEATURES}. {@code source} names the input in the error when no row is left.
     */
    public static Prepared prepare(Dataset<Row> input, List<String> columns, List<String> carried, Settings s,
                                   String source) {
        // the rows are counted in the fit's first pass over the input
        FeaturePreprocessor.Fitted fitted = new FeaturePreprocessor(columns, FeaturePreprocessor.scaler(s))
                .fitExcludingAllMissing(input, () -> new dev.lakead.LakeadException("No training rows in " + source));
        FeaturePipeline pipeline = fitted.pipeline();
        Dataset<Row> rows = fitted.rows();
        LOG.info("Read {} rows; excluded {} whose feature values are all missing; training on {}", fitted.inputRows(),
                fitted.excludedRows(), fitted.trainingRows());
        List<Column> keep = new ArrayList<>();
        carried.forEach(c -> keep.add(ColumnRef.col(c)));
        keep.add(ColumnRef.col(FeaturePipeline.FEATURES));
        return new Prepared(pipeline, pipeline.transform(rows).select(keep.toArray(new Column[0])),
                fitted.inputRows(), fitted.excludedRows());
    }
}
