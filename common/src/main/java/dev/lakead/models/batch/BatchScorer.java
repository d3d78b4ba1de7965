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
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static dev.lakead.io.ColumnRef.col;

/**
 * Scores a table on the executors: inside each partition, rows are packed into batches of {@code batchSize}
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
        return scoreRaw(input, passColumns, pipeline, model, batchSize, Outputs.SCORE_ONLY);
    }

    /** As {@link #scoreRaw(Dataset, List, FeaturePipeline, AnomalyModel, int)}, adding optional outputs. */
    public static Dataset<Row> scoreRaw(Dataset<Row> input, List<String> passColumns, FeaturePipeline pipeline,
                                        AnomalyModel model, int batchSize, Outputs outputs) {
        FeatureSelection.requireNumeric(input.schema(), pipeline.columns(), "the model's feature columns");
        List<Column> features = new ArrayList<>();
        for (String c : pipeline.columns()) {
            features.add(col(c).cast(DataTypes.DoubleType));
        }
        return score(input, passColumns, features, FeatureReader.rawColumns(pipeline.plan()), model, batchSize,
                outputs);
    }

    /** Scores rows that already carry the scaled vector column {@link FeaturePipeline#FEATURES}. */
    public static Dataset<Row> scoreVectors(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                            int batchSize) {
        return scoreVectors(featured, passColumns, model, batchSize, Outputs.SCORE_ONLY);
    }

    /** As {@link #scoreVectors(Dataset, List, AnomalyModel, int)}, adding optional outputs. */
    public static Dataset<Row> scoreVectors(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                            int batchSize, Outputs outputs) {
        return score(featured, passColumns, List.of(col(FeaturePipeline.FEATURES)),
                FeatureReader.vectorColumn(model.inputSize()), model, batchSize, outputs);
    }

    /** Which model scores a row: one model for all rows, or one per entity (read from a pass-through column). */
    interface ModelSource {
        AnomalyModel modelFor(InternalRow row);
    }

    /**
     * Scores windows with one model per value of {@code keyColumn} (e.g. per machine): rows are grouped by key
     * inside each partition so that every batch goes through its own entity's model in one call.
     */
    public static Dataset<Row> scoreWindowsPerKey(Dataset<Row> windows, List<String> passColumns,
                                                  String stepsColumn, String keyColumn,
                                                  Map<String, ? extends AnomalyModel> models, int steps,
                                                  int batchSize, Outputs outputs) {
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
        return select(grouped, passColumns, List.of(col(stepsColumn)), any, outputs, (rows, passCount) -> {
            Map<String, AnomalyModel> taskModels = new HashMap<>();
            ModelSource source = row -> taskModels.computeIfAbsent(String.valueOf(row.get(keyIndex, keyType)), key -> {
                ModelPayload p = all.value().get(key);
                if (p == null) {
                    throw new dev.lakead.LakeadException("No model for entity '" + key + "' in the bundle");
                }
                return ExecutorModels.taskCopy(p);
            });
            return new ScoredIterator(rows, source, reader, batchSize, width, passCount, outputs);
        });
    }

    /** Scores windows (see SlidingWindows): one score per window row of {@code stepsColumn}. */
    public static Dataset<Row> scoreWindows(Dataset<Row> windows, List<String> passColumns, String stepsColumn,
                                            AnomalyModel model, int steps, int batchSize, Outputs outputs) {
        return score(windows, passColumns, List.of(col(stepsColumn)),
                FeatureReader.windowColumn(model.inputSize(), steps), model, batchSize, outputs);
    }

    private static Dataset<Row> score(Dataset<Row> input, List<String> passColumns, List<Column> featureColumns,
                                      FeatureReader reader, AnomalyModel model, int batchSize,
                                      Outputs outputs) {
        outputs.requireSupportedBy(model);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(input.sparkSession().sparkContext());
        Broadcast<ModelPayload> payload = sc.broadcast(ModelPayload.of(model));
        int width = model.inputSize();
        return select(input, passColumns, featureColumns, model, outputs, (rows, passCount) -> {
            AnomalyModel taskModel = ExecutorModels.taskCopy(payload.value());
            return new ScoredIterator(rows, row -> taskModel, reader, batchSize, width, passCount, outputs);
        });
    }

    /** Builds a partition's scored-row iterator (runs on the executors). */
    private interface IteratorFactory extends java.io.Serializable {
        Iterator<InternalRow> create(PassValues rows, int passCount);
    }

    /** Selects pass-through + feature columns and maps every partition through the scoring iterator. */
    private static Dataset<Row> select(Dataset<Row> input, List<String> passColumns, List<Column> featureColumns,
                                       AnomalyModel model, Outputs outputs, IteratorFactory factory) {
        LatentExport latent = outputs.latent();
        List<Column> selected = new ArrayList<>();
        List<StructField> outFields = new ArrayList<>();
        for (String c : passColumns) {
            selected.add(col(c));
            outFields.add(input.schema().apply(c));
        }
        selected.addAll(featureColumns);
        outFields.add(DataTypes.createStructField(SCORE, DataTypes.DoubleType, false));
        if (latent == LatentExport.COLUMNS) {
            for (int i = 0; i < ((LatentSpace) model).latentSize(); i++) {
                outFields.add(DataTypes.createStructField(LatentExport.columnName(i), DataTypes.DoubleType, false));
            }
        } else if (latent == LatentExport.VECTOR) {
            outFields.add(DataTypes.createStructField(LATENT, SQLDataTypes.VectorType(), false));
        }
        if (outputs.featureErrors()) {
            outFields.add(DataTypes.createStructField(FEATURE_ERRORS,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        StructType outSchema = DataTypes.createStructType(outFields);
        int passCount = passColumns.size();
        int threads = NativeThreads.perTask(input.sparkSession().sparkContext().getConf());
        // Spark's internal rows in and out: no external Row per record (a wide table's boxed values and, past 100
        // columns, an interpreted deserializer cost 3x the whole scoring time; bench/README.md, bench/perf.sh).
        Dataset<Row> in = input.select(selected.toArray(new Column[0]));
        DataType[] passTypes = new DataType[passCount];
        for (int j = 0; j < passCount; j++) {
            passTypes[j] = in.schema().fields()[j].dataType();
        }
        RDD<InternalRow> scored = in.queryExecution().toRdd().toJavaRDD().mapPartitions(
                (FlatMapFunction<Iterator<InternalRow>, InternalRow>) rows -> {
                    NativeThreads.use(threads);
                    TaskDevices.use(); // CUDA: this task's GPU (Spark's GPU scheduling); CPU: nothing
                    return factory.create(new PassValues(rows, passTypes), passCount);
                }).rdd();
        return input.sparkSession().internalCreateDataFrame(scored, outSchema, false);
    }

    /** Pulls one batch of input rows at a time, scores it, and hands out the scored rows. */
    /**
     * The input rows with their pass-through values copied out: Spark reuses the row object it hands over, and a
     * batch keeps its rows' values until it is scored.
     */
    private static final class PassValues implements Iterator<InternalRow> {
        private final Iterator<InternalRow> rows;
        private final DataType[] types;
        private Object[] last;

        PassValues(Iterator<InternalRow> rows, DataType[] types) {
            this.rows = rows;
            this.types = types;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public InternalRow next() {
            InternalRow r = rows.next();
            last = new Object[types.length];
            for (int j = 0; j < types.length; j++) {
                last[j] = r.isNullAt(j) ? null : InternalRow.copyValue(r.get(j, types[j]));
            }
            return r;
        }

        /** The pass-through values of the row last returned by {@link #next()}. */
        Object[] lastValues() {
            return last;
        }
    }

    private static final class ScoredIterator implements Iterator<InternalRow> {
        private final PassValues input;
        private final ModelSource models;
        private InternalRow lookahead;
        private Object[] lookaheadValues;
        private final FeatureReader reader;
        private final int batchSize;
        private final int passCount;
        private final float[] buffer;
        private final Object[][] rows;
        private final LatentExport latent;
        private final boolean featureErrors;
        private final long[] rowShape;
        private final int rowSize;
        private Iterator<InternalRow> ready = Collections.emptyIterator();

        ScoredIterator(PassValues input, ModelSource models, FeatureReader reader, int batchSize, int width,
                       int passCount, Outputs outputs) {
            this.latent = outputs.latent();
            this.featureErrors = outputs.featureErrors();
            this.rowShape = reader.rowShape(width);
            this.rowSize = (int) java.util.Arrays.stream(rowShape).reduce(1, (a, b) -> a * b);
            this.input = input;
            this.models = models;
            this.reader = reader;
            this.batchSize = batchSize;
            this.passCount = passCount;
            this.buffer = new float[batchSize * rowSize];
            this.rows = new Object[batchSize][];
        }

        @Override
        public boolean hasNext() {
            while (!ready.hasNext() && (lookahead != null || input.hasNext())) {
                ready = scoreNextBatch();
            }
            return ready.hasNext();
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.next();
        }

        private Iterator<InternalRow> scoreNextBatch() {
            int n = 0;
            AnomalyModel model = null;
            while ((lookahead != null || input.hasNext()) && n < batchSize) {
                InternalRow r;
                Object[] values;
                if (lookahead != null) {
                    r = lookahead;
                    values = lookaheadValues;
                    lookahead = null;
                } else {
                    r = input.next();
                    values = input.lastValues();
                }
                AnomalyModel m = models.modelFor(r);
                if (model != null && m != model) { // another entity's model: its rows start the next batch
                    lookahead = r.copy();
                    lookaheadValues = values;
                    break;
                }
                model = m;
                reader.read(r, passCount, buffer, n * rowSize);
                rows[n++] = values;
            }
            float[] data = n == batchSize ? buffer : java.util.Arrays.copyOf(buffer, n * rowSize);
            long[] shape = new long[rowShape.length + 1];
            shape[0] = n;
            System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
            INDArray batch = Nd4j.create(data, shape, 'c');
            FeatureErrors.Detailed detailed = featureErrors ? ((FeatureErrors) model).scoreDetailed(batch)
                    : new FeatureErrors.Detailed(model.score(batch), null);
            double[] scores = detailed.scores();
            double[][] codes = latent == LatentExport.NONE ? null : ((LatentSpace) model).latent(batch).toDoubleMatrix();
            int latentWidth = codes == null ? 0 : latent == LatentExport.COLUMNS ? codes[0].length : 1;
            int extra = latentWidth + (featureErrors ? 1 : 0);
            List<InternalRow> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object[] values = new Object[passCount + 1 + extra];
                System.arraycopy(rows[i], 0, values, 0, passCount);
                values[passCount] = scores[i];
                if (latent == LatentExport.COLUMNS) {
                    for (int j = 0; j < latentWidth; j++) {
                        values[passCount + 1 + j] = codes[i][j];
                    }
                } else if (latent == LatentExport.VECTOR) {
                    values[passCount + 1] = FeatureReader.VECTORS.serialize(Vectors.dense(codes[i]));
                }
                if (featureErrors) {
                    values[passCount + 1 + latentWidth] =
                            UnsafeArrayData.fromPrimitiveArray(detailed.featureErrors()[i]);
                }
                out.add(new GenericInternalRow(values));
                rows[i] = null;
            }
            return out.iterator();
        }
    }
}
