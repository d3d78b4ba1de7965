package dev.lakead.models.lstm;

import dev.lakead.models.batch.BatchRows;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.DeviationFloor;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.SlidingWindows;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.models.RecordScorer;
import dev.lakead.models.ScoringSpec;
import dev.lakead.models.batch.BatchScorer;
import dev.lakead.models.batch.FeatureReader;
import dev.lakead.thresholds.ThresholdCalculator;
import dev.lakead.training.HoldoutSplit;
import dev.lakead.training.SparkNetworkTrainer;
import dev.lakead.training.TrainingHistory;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;

/**
 * LSTM Autoencoder over sliding windows of each entity's series (timeseries.* settings), trained as one global
 * model with DL4J's parameter-averaging training master. A record's score aggregates (mean, or max) the errors of
 * the windows that cover it, so every input record gets exactly one score.
 */
public final class LstmAutoencoderFamily implements ModelFamily<LstmFamilySpec> {
    private static final Logger LOG = LoggerFactory.getLogger(LstmAutoencoderFamily.class);

    @Override
    public String type() {
        return LstmAutoencoderModel.TYPE;
    }

    @Override
    public LstmFamilySpec spec(Settings s, int inputSize, String scaler) {
        TimeSeriesConfig series = TimeSeriesConfig.from(s);
        return new LstmFamilySpec(LstmAutoencoderSpec.from(s, inputSize, series.window()), series,
                series.perEntity() ? perEntityThresholds(s) : null);
    }

    /** The timeseries.* settings: each entity's records in time order, scored through the windows covering them. */
    @Override
    public ScoringSpec scoring(Settings s) {
        return TimeSeriesConfig.from(s);
    }

    @Override
    public void requireSingleRecordScoring() {
        throw new dev.lakead.LakeadException("it scores windows of a series, which the real-time scorer does not"
                + " build; use the batch score job");
    }

    @Override
    public Trained train(Dataset<Row> features, LstmFamilySpec familySpec, TrainingOptions opt) {
        TimeSeriesConfig series = familySpec.series();
        LstmAutoencoderSpec spec = familySpec.model();
        int inputSize = spec.inputSize();
        LOG.info("LSTM Autoencoder: {} features, window {}, hidden {} x {} layers, latent {}, {} loss", inputSize,
                spec.window(), spec.hiddenSize(), spec.layers(), spec.latentSize(), spec.loss());
        Dataset<Row> windows = series.windows(series.positions(features));
        if (series.perEntity()) {
            return trainPerEntity(windows, scalingFloors(features, inputSize, series.entityMinStd()), spec, opt,
                    familySpec.entityThresholds(), series.aggregate());
        }
        HoldoutSplit split = HoldoutSplit.of(windows, opt);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(features.sparkSession().sparkContext());
        JavaRDD<DataSet> train = batches(split.train(), inputSize, spec.window(), opt.batchSizePerWorker())
                .repartition(SparkNetworkTrainer.workers(sc, opt)).persist(opt.storageLevel());
        JavaRDD<DataSet> holdout = split.holdout() == null ? null
                : batches(split.holdout(), inputSize, spec.window(), opt.batchSizePerWorker()).persist(opt.storageLevel());
        try {
            MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
            net.init();
            SparkNetworkTrainer.Result r = SparkNetworkTrainer.fit(sc, net, train, holdout, opt);
            return new Trained(new LstmAutoencoderModel(r.network(), "mae".equals(spec.loss()), spec.asMap()),
                    r.history());
        } finally {
            train.unpersist(false);
            if (holdout != null) {
                holdout.unpersist(false);
            }
        }
    }

    /**
     * The threshold.* settings each entity's threshold is computed with: the methods that need no labels
     * (percentile, mean-std, pot).
     */
    private static ThresholdCalculator.Options perEntityThresholds(Settings s) {
        ThresholdCalculator.Options o = ThresholdCalculator.Options.from(s);
        if (ThresholdCalculator.needsLabels(o.method())) {
            throw new LakeadException("Setting 'threshold.method' must be one of percentile, mean-std, pot, got '"
                    + o.method() + "'");
        }
        return o;
    }

    /** One model per entity, each trained inside one Spark task; the thresholds are per entity too. */
    private Trained trainPerEntity(Dataset<Row> windows, float[] floors, LstmAutoencoderSpec spec,
                                   TrainingOptions opt, ThresholdCalculator.Options method, String aggregate) {
        EntityTrainer trainer = new EntityTrainer(spec, opt.epochs(), opt.batchSizePerWorker(), method,
                aggregate, floors);
        long t0 = System.nanoTime();
        EntityPartitioner byEntity = new EntityPartitioner(windowsPerEntity(windows));
        List<EntityTrainer.Result> results = windows.javaRDD()
                .keyBy(r -> String.valueOf(r.get(0)))
                .groupByKey(byEntity)
                .map(group -> trainer.train(group._1(), group._2()))
                .collect();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double entitySeconds = results.stream().mapToDouble(EntityTrainer.Result::seconds).sum();
        Map<String, ScaledWindowModel> models = new TreeMap<>();
        Map<String, Double> thresholds = new TreeMap<>();
        long windowCount = 0;
        TrainingHistory history = new TrainingHistory();
        for (EntityTrainer.Result r : results) {
            models.put(r.entity(), new ScaledWindowModel(LstmAutoencoderModel.fromBytes(r.model()), r.scaling()));
            thresholds.put(r.entity(), r.threshold());
            windowCount += r.windows();
        }
        for (int e = 0; e < opt.epochs(); e++) {
            final int epoch = e;
            double mean = results.stream().mapToDouble(r -> r.epochLoss()[epoch]).average().orElse(Double.NaN);
            history.add(new TrainingHistory.Epoch(e + 1, mean, Double.NaN, seconds / opt.epochs(), windowCount));
        }
        history.trainingRows(windowCount);
        history.workers(JavaSparkContext.fromSparkContext(windows.sparkSession().sparkContext()).defaultParallelism());
        history.parallelism(seconds > 0 ? entitySeconds / seconds : Double.NaN);
        LOG.info("Trained {} per-entity models on {} windows in {} s ({} s of entity training: parallelism {});"
                        + " final mean loss {}", models.size(), windowCount, Math.round(seconds),
                Math.round(entitySeconds), String.format("%.2f", history.parallelism()),
                String.format("%.6f", history.lastLoss()));
        Map<String, Object> hyper = new LinkedHashMap<>(spec.asMap());
        hyper.put("mode", "per-entity");
        hyper.put("entity_thresholds", thresholds);
        return new Trained(new PerEntityModels(models, thresholds, hyper), history);
    }

    /** Windows per entity (one small row per entity reaches the driver), for {@link EntityPartitioner}. */
    private static Map<String, Long> windowsPerEntity(Dataset<Row> windows) {
        Map<String, Long> sizes = new TreeMap<>();
        for (Row r : windows.groupBy(windows.col(windows.columns()[0])).count().collectAsList()) {
            sizes.put(String.valueOf(r.get(0)), r.getLong(1));
        }
        return sizes;
    }

    /**
     * The per-entity scaling floors ({@link EntityScaling#floors}) from every feature's statistics over all
     * entities' training rows, computed on the executors.
     */
    static float[] scalingFloors(Dataset<Row> features, int width, double minStd) {
        if (minStd < 0) {
            throw new dev.lakead.LakeadException("Setting 'timeseries.entity-min-std' must be >= 0, got " + minStd);
        }
        Column v = org.apache.spark.ml.functions.vector_to_array(col(FeaturePipeline.FEATURES), "float64");
        List<Column> aggs = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            aggs.add(functions.stddev_samp(v.getItem(i)));
            aggs.add(functions.min(v.getItem(i)));
            aggs.add(functions.max(v.getItem(i)));
            aggs.add(DeviationFloor.distinctValues(v.getItem(i)));
        }
        Row r = features.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        double[] sd = new double[width];
        double[] min = new double[width];
        double[] max = new double[width];
        long[] distinct = new long[width];
        for (int i = 0; i < width; i++) {
            sd[i] = r.isNullAt(4 * i) ? 0 : r.getDouble(4 * i);
            min[i] = r.isNullAt(4 * i + 1) ? 0 : r.getDouble(4 * i + 1);
            max[i] = r.isNullAt(4 * i + 2) ? 0 : r.getDouble(4 * i + 2);
            distinct[i] = r.getLong(4 * i + 3);
        }
        return EntityScaling.floors(sd, min, max, distinct, minStd);
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        int marker = bytes.length > 0 ? bytes[0] : -1;
        return marker == PerEntityModels.MARKER ? PerEntityModels.fromBytes(bytes)
                : marker == ScaledWindowModel.MARKER ? ScaledWindowModel.fromBytes(bytes)
                : LstmAutoencoderModel.fromBytes(bytes);
    }

    /**
     * One score per record of rows that carry {@link FeaturePipeline#FEATURES}: the aggregate (timeseries.aggregate)
     * of the scores of the windows that cover it.
     */
    static Dataset<Row> scoreFeatured(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                             TimeSeriesConfig series, BatchRows batch, BatchScorer.Outputs outputs) {
        String entity = series.entity();
        int window = series.window();
        Dataset<Row> positioned = series.positions(featured).cache();
        Dataset<Row> windows = series.windows(positioned);
        List<String> windowKeys = List.of(entity, SlidingWindows.SEGMENT, SlidingWindows.START,
                SlidingWindows.SEGMENT_LENGTH);
        Dataset<Row> windowScores = model instanceof PerEntityModels perEntity
                ? BatchScorer.scoreWindowsPerKey(windows, windowKeys, SlidingWindows.STEPS, entity,
                perEntity.models(), window, batch, outputs)
                : BatchScorer.scoreWindows(windows, windowKeys, SlidingWindows.STEPS, model, window, batch, outputs);
        // every position a window covers (a short segment's padded window covers only its real records)
        Column last = least(col(SlidingWindows.START).plus(window - 1), col(SlidingWindows.SEGMENT_LENGTH).minus(1));
        String how = series.aggregate();
        java.util.function.Function<Column, Column> aggregate = "max".equals(how) ? functions::max
                : "min".equals(how) ? functions::min : functions::avg;
        List<Column> perWindow = new ArrayList<>(List.of(col(entity).as("__e"), col(SlidingWindows.SEGMENT).as("__s"),
                explode(functions.sequence(col(SlidingWindows.START).cast("long"), last.cast("long"))).as("__p"),
                col(BatchScorer.SCORE)));
        List<Column> aggregates = new ArrayList<>(List.of(aggregate.apply(col(BatchScorer.SCORE))
                .as(BatchScorer.SCORE)));
        if (outputs.featureErrors()) { // each feature's error aggregated over the covering windows, as the score
            perWindow.add(col(BatchScorer.FEATURE_ERRORS));
            Column[] perFeature = new Column[model.inputSize()];
            for (int i = 0; i < perFeature.length; i++) {
                perFeature[i] = aggregate.apply(col(BatchScorer.FEATURE_ERRORS).getItem(i));
            }
            aggregates.add(functions.array(perFeature).as(BatchScorer.FEATURE_ERRORS));
        }
        Dataset<Row> perRecord = windowScores.select(perWindow.toArray(new Column[0]))
                .groupBy("__e", "__s", "__p")
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
        List<Column> out = new ArrayList<>();
        for (String c : passColumns) {
            out.add(col(c));
        }
        out.add(col(BatchScorer.SCORE));
        if (outputs.featureErrors()) {
            out.add(col(BatchScorer.FEATURE_ERRORS));
        }
        Dataset<Row> scored = positioned.join(perRecord, positioned.col(entity).equalTo(perRecord.col("__e"))
                        .and(positioned.col(SlidingWindows.SEGMENT).equalTo(perRecord.col("__s")))
                        .and(positioned.col(SlidingWindows.POS).cast("long").equalTo(perRecord.col("__p"))), "left");
        if (model instanceof PerEntityModels perEntity) { // each entity's own threshold
            List<Row> rows = new ArrayList<>();
            perEntity.thresholds().forEach((k, v) -> rows.add(org.apache.spark.sql.RowFactory.create(k, v)));
            Dataset<Row> thresholds = featured.sparkSession().createDataFrame(rows, org.apache.spark.sql.types
                    .DataTypes.createStructType(List.of(
                            org.apache.spark.sql.types.DataTypes.createStructField("__te",
                                    org.apache.spark.sql.types.DataTypes.StringType, false),
                            org.apache.spark.sql.types.DataTypes.createStructField(RecordScorer.RECORD_THRESHOLD,
                                    org.apache.spark.sql.types.DataTypes.DoubleType, false))));
            scored = scored.join(org.apache.spark.sql.functions.broadcast(thresholds),
                    scored.col(entity).cast("string").equalTo(thresholds.col("__te")), "left");
            out.add(col(RecordScorer.RECORD_THRESHOLD));
        }
        return scored.select(out.toArray(new Column[0]));
    }

    /** DL4J mini-batches [batch, features, steps] whose labels are the windows themselves. */
    static JavaRDD<DataSet> batches(Dataset<Row> windows, int width, int steps, int batchSize) {
        FeatureReader reader = FeatureReader.windowColumn(width, steps);
        return windows.select(SlidingWindows.STEPS).javaRDD().mapPartitions(rows -> new Iterator<DataSet>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public DataSet next() {
                List<Row> batch = new ArrayList<>(batchSize);
                while (rows.hasNext() && batch.size() < batchSize) {
                    batch.add(rows.next());
                }
                INDArray x = reader.pack(batch, 0, width);
                return new DataSet(x, x.dup());
            }
        });
    }

}
