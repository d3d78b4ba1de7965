package dev.lakead.ml;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.features.FeatureSelection;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.ModelConfig;
import dev.lakead.pipeline.PreparedData;
import dev.lakead.pipeline.PreprocessStep;
import dev.lakead.pipeline.TrainStep;
import dev.lakead.thresholds.ThresholdCalculator;
import dev.lakead.training.NetworkSpec;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * lakead's detectors as a Spark ML {@link Estimator}: {@link #fit} fits the preprocessing (imputation, scaling) and
 * trains the configured model family on the executors with its threshold, through the same code as the preprocess
 * and train jobs ({@link PreprocessStep#prepare}, {@link TrainStep#fit}), and returns an
 * {@link AnomalyDetectionModel}. Every param's default is the setting's in {@code conf/lakead-defaults.conf};
 * {@link #setSetting} sets any other lakead setting (an explicitly set param wins over it).
 */
public class AnomalyDetector extends Estimator<AnomalyDetectionModel> {
    private static final String WHO = "AnomalyDetector";

    private final String uid;
    private final Map<String, String> extraSettings = new LinkedHashMap<>();
    private Param<String> modelType;
    private Param<String> modelName;
    private StringArrayParam featuresCols;
    private IntParam epochs;
    private IntArrayParam hiddenSizes;
    private DoubleParam learningRate;
    private Param<String> scaler;
    private Param<String> thresholdMethod;
    private DoubleParam thresholdPercentile;
    private IntParam workers;
    private LongParam seed;
    private Param<String> scoreCol;
    private Param<String> predictionCol;
    private Param<String> featureErrorsCol;

    public AnomalyDetector() {
        this(Identifiable.randomUID("lakeadDetector"));
    }

    public AnomalyDetector(String uid) {
        this.uid = uid;
        Settings d = Settings.defaults();
        ModelConfig model = ModelConfig.from(d);
        TrainingOptions training = TrainingOptions.from(d);
        NetworkSpec network = NetworkSpec.from(d);
        ThresholdCalculator.Options threshold = ThresholdCalculator.Options.from(d);
        modelType = LakeadParams.string(this, "modelType", "model family (setting model.type): "
                + String.join(", ", ModelFamilies.types()));
        modelName = LakeadParams.string(this, "modelName", "model name in the bundle (setting model.name)");
        featuresCols = new StringArrayParam(this, "featuresCols", "input feature columns (setting features.columns);"
                + " empty: every numeric column but ids, label and features.exclude-columns");
        epochs = new IntParam(this, "epochs", "training epochs (setting train.epochs)");
        hiddenSizes = new IntArrayParam(this, "hiddenSizes", "hidden layer sizes (setting model.hidden-sizes);"
                + " empty: derived from the number of features");
        learningRate = new DoubleParam(this, "learningRate", "learning rate (setting model.learning-rate)");
        scaler = LakeadParams.string(this, "scaler", "standard, minmax or robust (setting features.scaler)");
        thresholdMethod = LakeadParams.string(this, "thresholdMethod", "threshold method (setting threshold.method)");
        thresholdPercentile = new DoubleParam(this, "thresholdPercentile",
                "quantile of the training scores for the percentile method (setting threshold.percentile)");
        workers = new IntParam(this, "workers", "training workers (setting train.workers); 0: one per core");
        seed = new LongParam(this, "seed", "random seed (setting model.seed)");
        scoreCol = LakeadParams.string(this, "scoreCol", "output column of the anomaly score");
        predictionCol = LakeadParams.string(this, "predictionCol", "output column of the decision");
        featureErrorsCol = LakeadParams.string(this, "featureErrorsCol",
                "output column of the per-feature errors; empty for none");
        setDefault(modelType, model.type());
        setDefault(modelName, model.name());
        setDefault(featuresCols, FeatureSelection.configured(d).toArray(new String[0]));
        setDefault(epochs, training.epochs());
        setDefault(hiddenSizes, network.hiddenSizes().stream().mapToInt(Integer::intValue).toArray());
        setDefault(learningRate, network.learningRate());
        setDefault(scaler, FeaturePreprocessor.scaler(d));
        setDefault(thresholdMethod, threshold.method());
        setDefault(thresholdPercentile, threshold.percentile());
        setDefault(workers, training.workers());
        setDefault(seed, network.seed());
        setDefault(scoreCol, dev.lakead.table.ScoreTable.SCORE);
        setDefault(predictionCol, dev.lakead.table.ScoreTable.IS_ANOMALY);
        setDefault(featureErrorsCol, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelType() { return modelType; }
    public Param<String> modelName() { return modelName; }
    public StringArrayParam featuresCols() { return featuresCols; }
    public IntParam epochs() { return epochs; }
    public IntArrayParam hiddenSizes() { return hiddenSizes; }
    public DoubleParam learningRate() { return learningRate; }
    public Param<String> scaler() { return scaler; }
    public Param<String> thresholdMethod() { return thresholdMethod; }
    public DoubleParam thresholdPercentile() { return thresholdPercentile; }
    public IntParam workers() { return workers; }
    public LongParam seed() { return seed; }
    public Param<String> scoreCol() { return scoreCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> featureErrorsCol() { return featureErrorsCol; }

    public AnomalyDetector setModelType(String v) { return (AnomalyDetector) set(modelType, v); }
    public AnomalyDetector setModelName(String v) { return (AnomalyDetector) set(modelName, v); }
    public AnomalyDetector setFeaturesCols(String... v) { return (AnomalyDetector) set(featuresCols, v); }
    public AnomalyDetector setEpochs(int v) { return (AnomalyDetector) set(epochs, v); }
    public AnomalyDetector setHiddenSizes(int... v) { return (AnomalyDetector) set(hiddenSizes, v); }
    public AnomalyDetector setLearningRate(double v) { return (AnomalyDetector) set(learningRate, v); }
    public AnomalyDetector setScaler(String v) { return (AnomalyDetector) set(scaler, v); }
    public AnomalyDetector setThresholdMethod(String v) { return (AnomalyDetector) set(thresholdMethod, v); }
    public AnomalyDetector setThresholdPercentile(double v) { return (AnomalyDetector) set(thresholdPercentile, v); }
    public AnomalyDetector setWorkers(int v) { return (AnomalyDetector) set(workers, v); }
    public AnomalyDetector setSeed(long v) { return (AnomalyDetector) set(seed, v); }
    public AnomalyDetector setScoreCol(String v) { return (AnomalyDetector) set(scoreCol, v); }
    public AnomalyDetector setPredictionCol(String v) { return (AnomalyDetector) set(predictionCol, v); }
    public AnomalyDetector setFeatureErrorsCol(String v) { return (AnomalyDetector) set(featureErrorsCol, v); }

    /**
     * Any other lakead setting (a key of {@code conf/lakead-defaults.conf} without the {@code lakead.} prefix, e.g.
     * {@code train.batch-size-per-worker}); an unknown key or bad value fails here, naming it.
     */
    public AnomalyDetector setSetting(String key, String value) {
        Settings.defaults().with(key, value); // checks the key now
        extraSettings.put(key, value);
        return this;
    }

    /** The lakead settings this estimator trains with: defaults, then {@link #setSetting}s, then the set params. */
    public Settings settings() {
        Settings s = Settings.defaults().with(extraSettings);
        Map<String, String> p = new LinkedHashMap<>();
        if (isSet(modelType)) p.put("model.type", getOrDefault(modelType));
        if (isSet(modelName)) p.put("model.name", getOrDefault(modelName));
        if (isSet(featuresCols)) p.put("features.columns", String.join(",", getOrDefault(featuresCols)));
        if (isSet(epochs)) p.put("train.epochs", String.valueOf(getOrDefault(epochs)));
        if (isSet(hiddenSizes)) p.put("model.hidden-sizes", Arrays.stream(getOrDefault(hiddenSizes))
                .mapToObj(String::valueOf).collect(Collectors.joining(",")));
        if (isSet(learningRate)) p.put("model.learning-rate", String.valueOf(getOrDefault(learningRate)));
        if (isSet(scaler)) p.put("features.scaler", getOrDefault(scaler));
        if (isSet(thresholdMethod)) p.put("threshold.method", getOrDefault(thresholdMethod));
        if (isSet(thresholdPercentile)) p.put("threshold.percentile", String.valueOf(getOrDefault(thresholdPercentile)));
        if (isSet(workers)) p.put("train.workers", String.valueOf(getOrDefault(workers)));
        if (isSet(seed)) p.put("model.seed", String.valueOf(getOrDefault(seed)));
        return s.with(p);
    }

    private List<String> configuredFeatures() {
        return FeatureSelection.configured(settings());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        LakeadParams.requireFeatures(schema, configuredFeatures(), WHO);
        return LakeadParams.withOutputs(schema, getOrDefault(scoreCol), getOrDefault(predictionCol),
                getOrDefault(featureErrorsCol), WHO);
    }

    @Override
    public AnomalyDetectionModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Settings s = settings();
        SparkSession spark = dataset.sparkSession();
        JobContext ctx = JobContext.of(spark, s);
        ModelConfig modelConfig = ModelConfig.from(s);
        ModelFamily<?> family = ModelFamilies.get(modelConfig.type());
        Dataset<Row> input = dataset.toDF();
        List<String> carried = family.scoring(s).series().map(ModelFamily.SeriesColumns::both).orElse(List.of());
        List<String> columns = FeatureSelection.resolve(input.schema(), s, carried);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(WHO + ": no numeric feature column in the input; set featuresCols");
        }
        PreprocessStep.Prepared prepared = PreprocessStep.prepare(input, columns, carried, s, "the DataFrame given"
                + " to " + WHO + ".fit");
        Dataset<Row> features = prepared.features().persist(StorageLevel.MEMORY_AND_DISK());
        HadoopFiles files = ctx.files();
        String checkpointDir = TrainingOptions.checkpointDir(s);
        String checkpoints = checkpointDir.isBlank()
                ? System.getProperty("java.io.tmpdir") + "/lakead-fit-" + UUID.randomUUID()
                : checkpointDir;
        try {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("input", "DataFrame (" + WHO + ")");
            info.put("feature_columns", columns);
            info.put("scaler", prepared.pipeline().scaler());
            info.put("input_rows", prepared.inputRows());
            info.put("excluded_rows_all_features_missing", prepared.excludedRows());
            info.put("training_rows", prepared.inputRows() - prepared.excludedRows());
            PreparedData data = new PreparedData("(in memory)", prepared.pipeline(), features, info);
            TrainStep.Fitted fitted = TrainStep.fit(ctx, data, family, checkpoints);
            var meta = TrainStep.metadata(family, modelConfig.name(), uid, data, fitted.trained(), s);
            AnomalyDetectionModel model = new AnomalyDetectionModel(Identifiable.randomUID("lakeadModel"),
                    prepared.pipeline(), fitted.trained().model(), fitted.threshold(), meta, s);
            model.setScoreCol(getOrDefault(scoreCol)).setPredictionCol(getOrDefault(predictionCol))
                    .setFeatureErrorsCol(getOrDefault(featureErrorsCol));
            return model.setParent(this);
        } finally {
            features.unpersist();
            if (checkpointDir.isBlank() && files.exists(checkpoints)) {
                files.delete(checkpoints);
            }
        }
    }

    @Override
    public AnomalyDetector copy(ParamMap extra) {
        AnomalyDetector copy = copyValues(new AnomalyDetector(uid), extra);
        copy.extraSettings.putAll(extraSettings);
        return copy;
    }
}
