package dev.lakead.models.batch;

import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.FeatureSelection;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.FeatureErrors;
import dev.lakead.models.LatentSpace;
import dev.lakead.models.NativeThreads;
import dev.lakead.models.TaskDevices;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.ml.linalg.SQLDataTypes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.lakead.io.ColumnRef.col;

/**
 * Scores a table on the executors: inside each partition, rows are packed into batches (see {@link BatchRows})
 * and each batch goes through the network in one call. Output: the pass-through columns plus
 * {@value #SCORE}; nothing is collected to the driver.
 */
public final class BatchScorer {
    public static final String SCORE = dev.lakead.table.ScoreTable.SCORE;
    public static final String LATENT = dev.lakead.table.ScoreTable.LATENT;
    /** Per-feature reconstruction errors, in the model's feature order (array of double). */
    public static final String FEATURE_ERRORS = dev.lakead.table.ScoreTable.FEATURE_ERRORS;

    /** The optional output columns next to the score: the latent code and the per-feature errors. */
    public record Outputs(LatentExport latent, boolean featureErrors) implements java.io.Serializable {
        public static final Outputs SCORE_ONLY = new Outputs(LatentExport.NONE, false);

        /** From the settings {@code score.latent-export} and {@code score.feature-errors}. */
        public static Outputs from(dev.lakead.config.Settings s) {
            return new Outputs(LatentExport.parse(s.choice("score.latent-export", "none", "columns", "vector")),
                    s.bool("score.feature-errors"));
        }

        /** Fails with the setting's name when the model cannot produce what is asked. */
        void requireSupportedBy(AnomalyModel model) {
            if (latent != LatentExport.NONE && !(model instanceof LatentSpace)) {
                throw new dev.lakead.LakeadException("Setting 'score.latent-export' is " + latent.name().toLowerCase()
                        + " but a " + model.type() + " model has no latent space to export");
            }
            if (featureErrors && !(model instanceof FeatureErrors)) {
                throw new dev.lakead.LakeadException("Setting 'score.feature-errors' is true but a " + model.type()
                        + " model has no per-feature reconstruction error");
            }
        }
    }

    /** Whether and how to add the model's latent code (e.g. the VAE's μ) to the output. */
    public enum LatentExport {
        /** no latent columns */
        NONE,
        /** latent_0, latent_1, ... as double columns */
        COLUMNS,
        /** one Spark ML vector column named latent */
        VECTOR;

        public static LatentExport parse(String s) {
            return valueOf(s.trim().toUpperCase());
        }

        public static String columnName(int i) {
            return LATENT + "_" + i;
        }
    }

    private BatchScorer() {
    }

    /** Scores raw input rows: the bundle's imputation and scaling are applied inside the batch loop. */
    public static Dataset<Row> scoreRaw(Dataset<Row> input, List<String> passColumns, FeaturePipeline pipeline,
                                        AnomalyModel model, int batchSize) {
        return scoreRaw(input, passColumns, pipeline, model, BatchRows.fixed(batchSize), Outputs.SCORE_ONLY);
    }

    /** As {@link #scoreRaw(Dataset, List, FeaturePipeline, AnomalyModel, int)}, adding optional outputs. */
    public static Dataset<Row> scoreRaw(Dataset<Row> input, List<String> passColumns, FeaturePipeline pipeline,
                                        AnomalyModel model, int batchSize, Outputs outputs) {
        return scoreRaw(input, passColumns, pipeline, model, BatchRows.fixed(batchSize), outputs);
    }

    /** As {@link #scoreRaw(Dataset, List, FeaturePipeline, AnomalyModel, int)}, with batches of {@code batchRows}. */
    public static Dataset<Row> scoreRaw(Dataset<Row> input, List<String> passColumns, FeaturePipeline pipeline,
                                        AnomalyModel model, BatchRows batchRows, Outputs outputs) {
        return scoreRaw(input, passColumns, pipeline, model, batchRows, outputs, null);
    }

    /** As above, counting the rows read and their unusable feature values into {@code counts} (unless null). */
    public static Dataset<Row> scoreRaw(Dataset<Row> input, List<String> passColumns, FeaturePipeline pipeline,
                                        AnomalyModel model, BatchRows batchRows, Outputs outputs,
                                        UnusableValues counts) {
        FeatureSelection.requireNumeric(input.schema(), pipeline.columns(), "the model's feature columns");
        // columns are read as they are (a cast in the query would make Spark build a row per record), decimals
        // cast to double
        List<Column> features = new ArrayList<>();
        RawColumns.Kind[] kinds = new RawColumns.Kind[pipeline.columns().size()];
        for (int j = 0; j < kinds.length; j++) {
            String c = pipeline.columns().get(j);
            kinds[j] = RawColumns.Kind.of(input.schema().apply(c).dataType());
            features.add(kinds[j] != null ? col(c) : col(c).cast(DataTypes.DoubleType));
            kinds[j] = kinds[j] != null ? kinds[j] : RawColumns.Kind.DOUBLE;
        }
        return score(input, passColumns, features, FeatureReader.rawColumns(pipeline.plan(), kinds, counts), model,
                batchRows, outputs);
    }

    /** Scores rows that already carry the scaled vector column {@link FeaturePipeline#FEATURES}. */
    public static Dataset<Row> scoreVectors(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                            int batchSize) {
        return scoreVectors(featured, passColumns, model, BatchRows.fixed(batchSize), Outputs.SCORE_ONLY);
    }

    /** As {@link #scoreVectors(Dataset, List, AnomalyModel, int)}, with batches of {@code batchRows}, adding outputs. */
    public static Dataset<Row> scoreVectors(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                            BatchRows batchRows, Outputs outputs) {
        return score(featured, passColumns, List.of(col(FeaturePipeline.FEATURES)),
                FeatureReader.vectorColumn(model.inputSize()), model, batchRows, outputs);
    }

    /** Which model scores a row: one model for all rows, or one per entity (read from a pass-through column). */
    interface ModelSource {
        AnomalyModel modelFor(InternalRow row);

        /** Whether every row gets the same model, so that runs of rows can be read without asking. */
        default boolean single() {
            return false;
        }

        static ModelSource of(AnomalyModel model) {
            return new ModelSource() {
                @Override
                public AnomalyModel modelFor(InternalRow row) {
                    return model;
                }

                @Override
                public boolean single() {
                    return true;
                }
            };
        }
    }

    /**
     * Scores windows with one model per value of {@code keyColumn} (e.g. per machine): rows are grouped by key
     * inside each partition so that every batch goes through its own entity's model in one call.
     */
    public static Dataset<Row> scoreWindowsPerKey(Dataset<Row> windows, List<String> passColumns,
                                                  String stepsColumn, String keyColumn,
                                                  Map<String, ? extends AnomalyModel> models, int steps,
                                                  BatchRows batchRows, Outputs outputs) {
        AnomalyModel any = models.values().iterator().next();
        outputs.requireSupportedBy(any);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(windows.sparkSession().sparkContext());
        Map<String, ModelPayload> payloads = new HashMap<>();
        models.forEach((k, m) -> payloads.put(k, ModelPayload.of(m)));
        Broadcast<Map<String, ModelPayload>> all = sc.broadcast(payloads);
        int keyIndex = passColumns.indexOf(keyColumn);
        if (keyIndex < 0) {
            throw new IllegalArgumentException(keyColumn + " must be a pass-through column");
        }
        Dataset<Row> grouped = windows.repartition(col(keyColumn)).sortWithinPartitions(col(keyColumn));
        int width = any.inputSize();
        FeatureReader reader = FeatureReader.windowColumn(width, steps);
        org.apache.spark.sql.types.DataType keyType = windows.schema().apply(keyColumn).dataType();
        return select(grouped, passColumns, List.of(col(stepsColumn)), any, outputs, (rows, layout) -> {
            Map<String, AnomalyModel> taskModels = new HashMap<>();
            ModelSource source = row -> taskModels.computeIfAbsent(String.valueOf(row.get(keyIndex, keyType)), key -> {
                ModelPayload p = all.value().get(key);
                if (p == null) {
                    throw new dev.lakead.LakeadException("No model for entity '" + key + "' in the bundle");
                }
                return ExecutorModels.taskCopy(p);
            });
            return new ScoredRows(rows, layout, source, reader, batchRows, width);
        });
    }

    /** Scores windows (see SlidingWindows): one score per window row of {@code stepsColumn}. */
    public static Dataset<Row> scoreWindows(Dataset<Row> windows, List<String> passColumns, String stepsColumn,
                                            AnomalyModel model, int steps, BatchRows batchRows, Outputs outputs) {
        return score(windows, passColumns, List.of(col(stepsColumn)),
                FeatureReader.windowColumn(model.inputSize(), steps), model, batchRows, outputs);
    }

    private static Dataset<Row> score(Dataset<Row> input, List<String> passColumns, List<Column> featureColumns,
                                      FeatureReader reader, AnomalyModel model, BatchRows batchRows,
                                      Outputs outputs) {
        outputs.requireSupportedBy(model);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(input.sparkSession().sparkContext());
        Broadcast<ModelPayload> payload = sc.broadcast(ModelPayload.of(model));
        int width = model.inputSize();
        return select(input, passColumns, featureColumns, model, outputs, (rows, layout) -> {
            AnomalyModel taskModel = ExecutorModels.taskCopy(payload.value());
            return new ScoredRows(rows, layout, ModelSource.of(taskModel), reader, batchRows, width);
        });
    }

    /** Builds a partition's scored-row iterator (runs on the executors). */
    private interface IteratorFactory extends java.io.Serializable {
        Iterator<InternalRow> create(Iterator<InternalRow> rows, ScoredRows.RowLayout layout);
    }

    /** Selects pass-through + feature columns and maps every partition through the scoring iterator. */
    private static Dataset<Row> select(Dataset<Row> input, List<String> passColumns, List<Column> featureColumns,
                                       AnomalyModel model, Outputs outputs, IteratorFactory factory) {
        LatentExport latent = outputs.latent();
        List<Column> selected = new ArrayList<>();
        List<StructField> passFields = new ArrayList<>();
        for (String c : passColumns) {
            selected.add(col(c));
            passFields.add(input.schema().apply(c));
        }
        selected.addAll(featureColumns);
        List<StructField> scoreFields = new ArrayList<>();
        scoreFields.add(DataTypes.createStructField(SCORE, DataTypes.DoubleType, false));
        if (latent == LatentExport.COLUMNS) {
            for (int i = 0; i < ((LatentSpace) model).latentSize(); i++) {
                scoreFields.add(DataTypes.createStructField(LatentExport.columnName(i), DataTypes.DoubleType, false));
            }
        } else if (latent == LatentExport.VECTOR) {
            scoreFields.add(DataTypes.createStructField(LATENT, SQLDataTypes.VectorType(), false));
        }
        if (outputs.featureErrors()) {
            scoreFields.add(DataTypes.createStructField(FEATURE_ERRORS,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        StructType scoreSchema = DataTypes.createStructType(scoreFields);
        List<StructField> allFields = new ArrayList<>(passFields);
        allFields.addAll(scoreFields);
        StructType outSchema = DataTypes.createStructType(allFields);
        int passCount = passColumns.size();
        int threads = NativeThreads.perTask(input.sparkSession().sparkContext().getConf());
        // Spark's internal rows in and out: no external Row per record (a wide table's boxed values and, past 100
        // columns, an interpreted deserializer cost 3x the whole scoring time; bench/README.md, bench/perf.sh).
        Dataset<Row> in = input.select(selected.toArray(new Column[0]));
        DataType[] passTypes = new DataType[passCount];
        for (int j = 0; j < passCount; j++) {
            passTypes[j] = in.schema().fields()[j].dataType();
        }
        RDD<InternalRow> scored = ColumnarRows.mapPartitions(in,
                (FlatMapFunction<Iterator<InternalRow>, InternalRow>) rows -> {
                    NativeThreads.use(threads);
                    TaskDevices.use(); // CUDA: this task's GPU (Spark's GPU scheduling); CPU: nothing
                    return factory.create(rows, new ScoredRows.RowLayout(passTypes, scoreSchema, outputs));
                }).rdd();
        return input.sparkSession().internalCreateDataFrame(scored, outSchema, false);
    }
}
