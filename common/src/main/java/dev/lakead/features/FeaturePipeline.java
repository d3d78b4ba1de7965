package dev.lakead.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.LakeadException;
import dev.lakead.io.HadoopFiles;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.MinMaxScalerModel;
import org.apache.spark.ml.feature.RobustScalerModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.abs;
import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The fitted preprocessing: missing-value cleaning, mean imputation, assembly and scaling, as an MLlib
 * PipelineModel plus the ordered feature columns it expects. Saved inside every model bundle.
 */
public final class FeaturePipeline {
    /** Output vector column added by {@link #transform}. */
    public static final String FEATURES = "__features";
    static final String CLEAN_PREFIX = "__clean_";
    static final String IMPUTED_PREFIX = "__imputed_";
    static final String RAW_VECTOR = "__raw_features";

    private static final String MODEL_DIR = "pipeline";
    private static final String COLUMNS_FILE = "features.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> columns;
    private final String scaler;
    private final PipelineModel model;

    FeaturePipeline(List<String> columns, String scaler, PipelineModel model) {
        this.columns = List.copyOf(columns);
        this.scaler = scaler;
        this.model = model;
    }

    public List<String> columns() {
        return columns;
    }

    /** standard, minmax or robust. */
    public String scaler() {
        return scaler;
    }

    public int size() {
        return columns.size();
    }

    /** The same imputation and scaling as plain arrays, for the scoring loop (see {@link ScalingPlan}). */
    public ScalingPlan plan() {
        int n = columns.size();
        Row surrogates = ((ImputerModel) model.stages()[0]).surrogateDF().first();
        double[] fill = new double[n];
        for (int i = 0; i < n; i++) {
            fill[i] = ((Number) surrogates.getAs(CLEAN_PREFIX + i)).doubleValue();
        }
        double[] shift = new double[n];
        double[] factor = new double[n];
        double[] offset = new double[n];
        Transformer scale = model.stages()[2];
        if (scale instanceof StandardScalerModel std) {
            double[] mean = std.mean().toArray();
            double[] sd = std.std().toArray();
            for (int i = 0; i < n; i++) {
                shift[i] = std.getWithMean() ? mean[i] : 0.0;
                factor[i] = !std.getWithStd() ? 1.0 : sd[i] == 0 ? 0.0 : 1.0 / sd[i];
            }
        } else if (scale instanceof RobustScalerModel robust) {
            double[] median = robust.median().toArray();
            double[] range = robust.range().toArray();
            for (int i = 0; i < n; i++) {
                shift[i] = robust.getWithCentering() ? median[i] : 0.0;
                factor[i] = !robust.getWithScaling() ? 1.0 : range[i] == 0 ? 0.0 : 1.0 / range[i];
            }
        } else {
            MinMaxScalerModel mm = (MinMaxScalerModel) scale;
            double[] lo = mm.originalMin().toArray();
            double[] hi = mm.originalMax().toArray();
            double outRange = mm.getMax() - mm.getMin();
            for (int i = 0; i < n; i++) {
                double range = hi[i] - lo[i];
                shift[i] = lo[i];
                // MLlib maps a constant column to the middle of the output range
                factor[i] = range != 0 ? outRange / range : 0.0;
                offset[i] = range != 0 ? mm.getMin() : 0.5 * outRange + mm.getMin();
            }
        }
        return new ScalingPlan(fill, shift, factor, offset);
    }

    /** Adds the scaled feature vector column {@value #FEATURES}; fails naming any missing or non-numeric column. */
    public Dataset<Row> transform(Dataset<Row> input) {
        FeatureSelection.requireNumeric(input.schema(), columns, "the model's feature columns");
        Dataset<Row> out = model.transform(withCleanColumns(input, columns));
        List<String> drop = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            drop.add(CLEAN_PREFIX + i);
            drop.add(IMPUTED_PREFIX + i);
        }
        drop.add(RAW_VECTOR);
        return out.drop(drop.toArray(new String[0]));
    }

    /** Adds __clean_i columns: the feature cast to double with NaN and +/-Inf turned into null (missing). */
    static Dataset<Row> withCleanColumns(Dataset<Row> input, List<String> columns) {
        // One select, not one withColumn per feature: each withColumn re-analyses the whole plan (slow at 784).
        List<Column> all = new ArrayList<>();
        for (String c : input.columns()) {
            all.add(col(c));
        }
        for (int i = 0; i < columns.size(); i++) {
            all.add(cleaned(col(columns.get(i))).as(CLEAN_PREFIX + i));
        }
        return input.select(all.toArray(new Column[0]));
    }

    static Column cleaned(Column c) {
        Column d = c.cast(DataTypes.DoubleType);
        return when(d.isNull().or(isnan(d)).or(abs(d).equalTo(lit(Double.POSITIVE_INFINITY))), lit(null)
                .cast(DataTypes.DoubleType)).otherwise(d);
    }

    /** True when a feature value cannot be used as it is (null, NaN or infinite): imputation fills it. */
    public static Column unusable(String column) {
        return cleaned(col(column)).isNull();
    }

    /** True when every feature of the row is missing (null, NaN or infinite): nothing to learn from. */
    public static Column allMissing(List<String> columns) {
        List<Column> missing = new ArrayList<>();
        for (String c : columns) {
            missing.add(cleaned(col(c)).isNull());
        }
        return missing.isEmpty() ? lit(true) : allOf(missing, 0, missing.size());
    }

    /** AND of the conditions as a balanced tree: a chain 784 deep overflows the analyser's stack. */
    private static Column allOf(List<Column> conditions, int from, int to) {
        if (to - from == 1) {
            return conditions.get(from);
        }
        int mid = (from + to) >>> 1;
        return allOf(conditions, from, mid).and(allOf(conditions, mid, to));
    }

    public void save(HadoopFiles files, String dir) {
        try {
            model.write().overwrite().save(dir + "/" + MODEL_DIR);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("columns", columns);
            meta.put("scaler", scaler);
            // the same imputation and scaling as plain numbers: what scoring without Spark needs
            ScalingPlan plan = plan();
            meta.put("plan", Map.of("fill", plan.fill(), "shift", plan.shift(), "factor", plan.factor(),
                    "offset", plan.offset()));
            files.writeString(dir + "/" + COLUMNS_FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
        } catch (IOException e) {
            throw new LakeadException("Cannot save the preprocessing pipeline to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The feature columns and scaling plan of a saved pipeline, read without Spark (null plan: older bundle). */
    @SuppressWarnings("unchecked")
    public static Map.Entry<List<String>, ScalingPlan> readPlan(HadoopFiles files, String dir) {
        String metaPath = dir + "/" + COLUMNS_FILE;
        try {
            Map<String, Object> meta = JSON.readValue(files.readString(metaPath), Map.class);
            Map<String, List<Number>> p = (Map<String, List<Number>>) meta.get("plan");
            ScalingPlan plan = p == null ? null : new ScalingPlan(doubles(p.get("fill")), doubles(p.get("shift")),
                    doubles(p.get("factor")), doubles(p.get("offset")));
            return Map.entry((List<String>) meta.get("columns"), plan == null ? EMPTY_PLAN : plan);
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Preprocessing pipeline at " + dir + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** Marks a pipeline saved before the plan was stored. */
    public static final ScalingPlan EMPTY_PLAN = new ScalingPlan(new double[0], new double[0], new double[0],
            new double[0]);

    private static double[] doubles(List<Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).toArray();
    }

    @SuppressWarnings("unchecked")
    public static FeaturePipeline load(SparkSession spark, HadoopFiles files, String dir) {
        String metaPath = dir + "/" + COLUMNS_FILE;
        if (!files.exists(metaPath) || !files.exists(dir + "/" + MODEL_DIR)) {
            throw new LakeadException("Preprocessing pipeline at " + dir + " is incomplete: expected "
                    + COLUMNS_FILE + " and " + MODEL_DIR + "/");
        }
        try {
            Map<String, Object> meta = JSON.readValue(files.readString(metaPath), Map.class);
            PipelineModel model = PipelineModel.load(dir + "/" + MODEL_DIR);
            return new FeaturePipeline((List<String>) meta.get("columns"), (String) meta.get("scaler"), model);
        } catch (IOException | RuntimeException e) {
            throw new LakeadException("Preprocessing pipeline at " + dir + " is corrupt: " + e.getMessage(), e);
        }
    }
}
