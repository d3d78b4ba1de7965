package dev.lakead.models.lstm;

import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.SlidingWindows;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import dev.lakead.scoring.BatchScorer;
import dev.lakead.scoring.FeatureReader;
import dev.lakead.training.HoldoutSplit;
import dev.lakead.training.SparkNetworkTrainer;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.max;

/**
 * LSTM Autoencoder over sliding windows of each entity's series (timeseries.* settings), trained as one global
 * model with DL4J's parameter-averaging training master. A record's score aggregates (mean, or max) the errors of
 * the windows that cover it, so every input record gets exactly one score.
 */
public final class LstmAutoencoderFamily implements ModelFamily {
    private static final Logger LOG = LoggerFactory.getLogger(LstmAutoencoderFamily.class);

    @Override
    public String type() {
        return LstmAutoencoderModel.TYPE;
    }

    @Override
    public boolean sequence() {
        return true;
    }

    @Override
    public Trained train(Dataset<Row> features, int inputSize, String scaler, Settings s) {
        LstmAutoencoderSpec spec = LstmAutoencoderSpec.from(s, inputSize);
        LOG.info("LSTM Autoencoder: {} features, window {}, hidden {} x {} layers, latent {}, {} loss", inputSize,
                spec.window(), spec.hiddenSize(), spec.layers(), spec.latentSize(), spec.loss());
        Dataset<Row> windows = windows(features, s);
        TrainingOptions opt = TrainingOptions.from(s);
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

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return LstmAutoencoderModel.fromBytes(bytes);
    }

    @Override
    public Dataset<Row> scoreRecords(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                     Settings s) {
        String entity = s.required("timeseries.entity-column");
        int window = s.positiveInt("timeseries.window");
        Dataset<Row> positioned = SlidingWindows.positions(featured, entity, s.required("timeseries.time-column"),
                s.number("timeseries.max-gap")).cache();
        Dataset<Row> windows = SlidingWindows.windows(positioned, entity, FeaturePipeline.FEATURES, window,
                s.positiveInt("timeseries.stride"));
        Dataset<Row> windowScores = BatchScorer.scoreWindows(windows, List.of(entity, SlidingWindows.SEGMENT,
                        SlidingWindows.START, SlidingWindows.SEGMENT_LENGTH), SlidingWindows.STEPS, model, window,
                s.positiveInt("score.batch-size"));
        // every position a window covers (a short segment's padded window covers only its real records)
        Column last = least(col(SlidingWindows.START).plus(window - 1), col(SlidingWindows.SEGMENT_LENGTH).minus(1));
        Column aggregate = "max".equals(s.choice("timeseries.aggregate", "mean", "max"))
                ? max(col(BatchScorer.SCORE)) : avg(col(BatchScorer.SCORE));
        Dataset<Row> perRecord = windowScores
                .select(col(entity).as("__e"), col(SlidingWindows.SEGMENT).as("__s"),
                        explode(org.apache.spark.sql.functions.sequence(col(SlidingWindows.START).cast("long"),
                                last.cast("long"))).as("__p"),
                        col(BatchScorer.SCORE))
                .groupBy("__e", "__s", "__p").agg(aggregate.as(BatchScorer.SCORE));
        List<Column> out = new ArrayList<>();
        for (String c : passColumns) {
            out.add(col(c));
        }
        out.add(col(BatchScorer.SCORE));
        return positioned.join(perRecord, positioned.col(entity).equalTo(perRecord.col("__e"))
                        .and(positioned.col(SlidingWindows.SEGMENT).equalTo(perRecord.col("__s")))
                        .and(positioned.col(SlidingWindows.POS).cast("long").equalTo(perRecord.col("__p"))), "left")
                .select(out.toArray(new Column[0]));
    }

    /** The windows of the prepared (entity, time, scaled features) rows. */
    static Dataset<Row> windows(Dataset<Row> features, Settings s) {
        String entity = s.required("timeseries.entity-column");
        return SlidingWindows.windows(SlidingWindows.positions(features, entity,
                        s.required("timeseries.time-column"), s.number("timeseries.max-gap")), entity,
                FeaturePipeline.FEATURES, s.positiveInt("timeseries.window"), s.positiveInt("timeseries.stride"));
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
                float[] data = new float[batchSize * width * steps];
                int n = 0;
                while (rows.hasNext() && n < batchSize) {
                    reader.read(rows.next(), 0, data, n * width * steps);
                    n++;
                }
                float[] used = n == batchSize ? data : java.util.Arrays.copyOf(data, n * width * steps);
                INDArray x = Nd4j.create(used, new long[]{n, width, steps}, 'c');
                return new DataSet(x, x.dup());
            }
        });
    }

}
