package dev.lakead.ml;

import dev.lakead.bundle.BundleMetadata;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.io.ColumnRef;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.RecordScorer;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.pipeline.ScoreConfig;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fitted lakead detector as a Spark ML {@link org.apache.spark.ml.Transformer}: {@link #transform} keeps every
 * input column and adds the score ({@code anomaly_score}), the decision ({@code is_anomaly}) and, when
 * {@code featureErrorsCol} names a column, the per-feature errors, scored per partition in batches by the model
 * family's {@link RecordScorer} exactly as the score job does. Saved ({@link #write()}) it is a lakead bundle that
 * the score job reads (with Spark's params metadata in its {@value #SPARK_METADATA}/ folder, for
 * {@code PipelineModel.load}); {@link #load(String)} also opens a bundle written by the train job.
 */
public class AnomalyDetectionModel extends Model<AnomalyDetectionModel> implements MLWritable {
    /** The folder where Spark's {@code DefaultParamsReader} looks for a stage's params. */
    public static final String SPARK_METADATA = "metadata";
    private static final String WHO = "AnomalyDetectionModel";

    private final String uid;
    private final FeaturePipeline pipeline;
    private final AnomalyModel model;
    private final Threshold threshold;
    private final BundleMetadata metadata;
    private final Settings settings;
    private Param<String> scoreCol;
    private Param<String> predictionCol;
    private Param<String> featureErrorsCol;
    private StringArrayParam featuresCols;

    /**
     * @param settings the settings that decide how it scores (score.batch-size, score.mode, ...); the defaults
     *                 when it was loaded
     */
    public AnomalyDetectionModel(String uid, FeaturePipeline pipeline, AnomalyModel model, Threshold threshold,
                                 BundleMetadata metadata, Settings settings) {
        this.uid = uid;
        this.pipeline = pipeline;
        this.model = model;
        this.threshold = threshold;
        this.metadata = metadata;
        this.settings = settings;
        scoreCol = LakeadParams.string(this, "scoreCol", "output column of the anomaly score");
        predictionCol = LakeadParams.string(this, "predictionCol", "output column of the decision (score > threshold)");
        featureErrorsCol = LakeadParams.string(this, "featureErrorsCol",
                "output column of the per-feature errors (feature name -> error); empty for none");
        featuresCols = new StringArrayParam(this, "featuresCols", "the model's feature columns, in order (read-only)");
        setDefault(scoreCol, ScoreTable.SCORE);
        setDefault(predictionCol, ScoreTable.IS_ANOMALY);
        setDefault(featureErrorsCol, "");
        setDefault(featuresCols, pipeline.columns().toArray(new String[0]));
    }

    /** A bundle's contents as a model (a new uid, default params). */
    public static AnomalyDetectionModel of(ModelBundle bundle) {
        return new AnomalyDetectionModel(Identifiable.randomUID("lakeadModel"), bundle.pipeline(), bundle.model(),
                bundle.threshold(), bundle.metadata(), Settings.defaults());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> featureErrorsCol() {
        return featureErrorsCol;
    }

    public StringArrayParam featuresCols() {
        return featuresCols;
    }

    public AnomalyDetectionModel setScoreCol(String v) {
        return (AnomalyDetectionModel) set(scoreCol, v);
    }

    public AnomalyDetectionModel setPredictionCol(String v) {
        return (AnomalyDetectionModel) set(predictionCol, v);
    }

    public AnomalyDetectionModel setFeatureErrorsCol(String v) {
        return (AnomalyDetectionModel) set(featureErrorsCol, v);
    }

    public List<String> featureColumns() {
        return pipeline.columns();
    }

    public Threshold threshold() {
        return threshold;
    }

    public AnomalyModel anomalyModel() {
        return model;
    }

    public FeaturePipeline pipeline() {
        return pipeline;
    }

    public BundleMetadata bundleMetadata() {
        return metadata;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        LakeadParams.requireFeatures(schema, pipeline.columns(), WHO);
        return LakeadParams.withOutputs(schema, getOrDefault(scoreCol), getOrDefault(predictionCol),
                getOrDefault(featureErrorsCol), WHO);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Dataset<Row> input = dataset.toDF();
        List<String> pass = Arrays.asList(input.columns());
        String errors = getOrDefault(featureErrorsCol);
        // the per-feature errors when a column is named for them; no latent columns
        ScoringOptions options = new ScoringOptions(ScoringOptions.batchRows(settings),
                new BatchScorer.Outputs(BatchScorer.LatentExport.NONE, !errors.isEmpty()), null);
        AnomalyModel m = model;
        Threshold t = threshold;
        String mode = ScoreConfig.mode(settings);
        if (!mode.isEmpty() && !mode.equals(m.scoreMode())) { // as the score job: score.mode picks its threshold
            m = m.withScoreMode(mode);
            t = t.forScoreMode(mode);
        }
        Dataset<Row> scored = ModelFamilies.get(m.type()).scoring(settings).scorer(m, pipeline, options).score(input, pass);
        boolean perRecord = Arrays.asList(scored.columns()).contains(RecordScorer.RECORD_THRESHOLD);
        Column th = perRecord ? ColumnRef.col(RecordScorer.RECORD_THRESHOLD) : ScoreTable.thresholdColumn(t);
        List<Column> cols = new ArrayList<>();
        pass.forEach(c -> cols.add(ColumnRef.col(c)));
        cols.add(ColumnRef.col(ScoreTable.SCORE).as(getOrDefault(scoreCol)));
        cols.add(ScoreTable.decision(ColumnRef.col(ScoreTable.SCORE), th).as(getOrDefault(predictionCol)));
        if (!errors.isEmpty()) {
            cols.add(ScoreTable.featureErrorMap(ColumnRef.col(ScoreTable.FEATURE_ERRORS), pipeline.columns())
                    .as(errors));
        }
        return scored.select(cols.toArray(new Column[0]));
    }

    @Override
    public AnomalyDetectionModel copy(ParamMap extra) {
        AnomalyDetectionModel copy = new AnomalyDetectionModel(uid, pipeline, model, threshold, metadata, settings);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark ML's reader of a saved model: any lakead bundle (from this API or the train job). */
    public static MLReader<AnomalyDetectionModel> read() {
        return new Reader();
    }

    /** Loads a lakead bundle (from {@link #write()} or the train job) as a model. */
    public static AnomalyDetectionModel load(String path) {
        return read().load(path);
    }

    /** Writes the model as a lakead bundle at the path, with Spark's params metadata inside it. */
    private static final class Writer extends MLWriter {
        private final AnomalyDetectionModel instance;

        Writer(AnomalyDetectionModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            HadoopFiles files = new HadoopFiles(sc().hadoopConfiguration());
            String target = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            String version = target.substring(target.lastIndexOf('/') + 1);
            BundleMetadata m = instance.metadata;
            BundleMetadata meta = new BundleMetadata(m.modelType(), m.modelName(), version, m.featureColumns(),
                    m.scaler(), m.hyperparameters(), m.training(), m.preparedData(), m.createdAt(), m.codeVersion(),
                    m.settings(), null);
            ModelBundle.write(files, target, meta, instance.pipeline, instance.model, instance.threshold,
                    tmp -> DefaultParamsWriter.saveMetadata(instance, tmp, sc(), // writes tmp/metadata
                            Option.empty(), Option.empty()));
        }
    }

    /** Reads a bundle; its params too when it was saved by {@link Writer}. */
    private static final class Reader extends MLReader<AnomalyDetectionModel> {
        @Override
        public AnomalyDetectionModel load(String path) {
            HadoopFiles files = new HadoopFiles(sc().hadoopConfiguration());
            ModelBundle bundle = ModelBundle.load(sparkSession(), files, path);
            if (!files.exists(path + "/" + SPARK_METADATA)) {
                return of(bundle); // a bundle from the train job
            }
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sc(), // reads path/metadata
                    AnomalyDetectionModel.class.getName());
            AnomalyDetectionModel model = new AnomalyDetectionModel(meta.uid(), bundle.pipeline(), bundle.model(),
                    bundle.threshold(), bundle.metadata(), Settings.defaults());
            meta.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
