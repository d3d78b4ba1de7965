package dev.lakead.models;

import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.training.TrainingOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every family trains on tables of any size and partitioning: one row per worker, uneven and empty partitions,
 * fewer rows than one batch, more workers than rows. Training goes through the executors as in production (with
 * its holdout split and early stopping on), and the trained model gives a finite score for every row.
 */
class TrainingShapesTest extends SparkTestSupport {
    private static final int WIDTH = 5;

    /** A table shape: the number of rows in each Spark partition, and the number of training workers. */
    record Shape(String name, int[] partitionRows, int workers) {
        int rows() {
            return Arrays.stream(partitionRows).sum();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("one row per worker", new int[]{1, 1}, 2),
            new Shape("uneven and empty partitions", new int[]{0, 1, 150, 0, 7}, 2),
            new Shape("fewer rows than one batch", new int[]{9, 11}, 2),
            new Shape("more workers than rows", new int[]{2, 1}, 4));

    /** model.type plus the settings that select a variant of it (the LSTM-AE's two modes). */
    static final List<String[]> FAMILIES = List.of(
            new String[]{"autoencoder"},
            new String[]{"vae"},
            new String[]{"anogan"},
            new String[]{"ensemble"},
            new String[]{"lstm-ae", "timeseries.mode", "global"},
            new String[]{"lstm-ae", "timeseries.mode", "per-entity"});

    static Stream<Arguments> familiesAndShapes() {
        List<Arguments> all = new ArrayList<>();
        for (String[] family : FAMILIES) {
            for (Shape shape : SHAPES) {
                String label = family.length > 1 ? family[0] + " " + family[2] : family[0];
                all.add(Arguments.of(label, family, shape));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("familiesAndShapes")
    void trainsOnAnyTableShape(String label, String[] family, Shape shape) {
        Settings s = fastSettings().with(
                "model.type", family[0],
                "train.epochs", "3",
                "train.batch-size-per-worker", "16",
                "train.averaging-frequency", "2",
                "train.workers", String.valueOf(shape.workers()),
                "train.early-stopping-patience", "1",
                "model.anogan.encoder-epochs", "2",
                "model.anogan.search-iterations", "5",
                "timeseries.window", "4",
                "timeseries.entity-column", "entity",
                "timeseries.time-column", "ts");
        if (family.length > 1) {
            s = s.with(family[1], family[2]);
        }
        Dataset<Row> table = table(shape);
        assertEquals(shape.rows(), table.count());
        assertEquals(shape.partitionRows().length, table.javaRDD().getNumPartitions());

        ModelFamily<?> f = ModelFamilies.get(family[0]);
        ModelFamily.Trained trained = f.configure(s, WIDTH, "standard").train(table, TrainingOptions.from(s));
        assertNotNull(trained.model(), label);
        assertFalse(trained.history().epochs().isEmpty(), "at least one epoch ran");
        for (var e : trained.history().epochs()) {
            assertTrue(Double.isFinite(e.trainLoss()), "finite training loss in epoch " + e.epoch());
            // an empty holdout is no holdout (not a validation loss of 0 that early stopping would chase)
            assertEquals(trained.history().holdoutRows() > 0, Double.isFinite(e.validationLoss()),
                    "validation loss " + e.validationLoss() + " with " + trained.history().holdoutRows()
                            + " holdout rows");
        }
        if (f.scoring(s).series().isEmpty()) {
            double[] scores = trained.model().score(Nd4j.randn(7, WIDTH).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
            assertEquals(7, scores.length);
            for (double v : scores) {
                assertTrue(Double.isFinite(v), "finite score " + Arrays.toString(scores));
            }
            double[] one = trained.model().score(Nd4j.randn(1, WIDTH).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
            assertEquals(1, one.length);
            assertTrue(Double.isFinite(one[0]), "a batch of one row scores");
        }
        AnomalyModel reloaded = f.decode(trained.model().toBytes());
        assertEquals(trained.model().inputSize(), reloaded.inputSize());
    }

    /** Rows (entity, ts, features) laid out exactly as {@code shape} says, partition by partition. */
    private static Dataset<Row> table(Shape shape) {
        List<List<Row>> parts = new ArrayList<>();
        Random r = new Random(11);
        int id = 0;
        for (int n : shape.partitionRows()) {
            List<Row> part = new ArrayList<>();
            for (int i = 0; i < n; i++, id++) {
                double[] v = new double[WIDTH];
                for (int j = 0; j < WIDTH; j++) {
                    v[j] = r.nextGaussian();
                }
                part.add(RowFactory.create("e" + (id % 2), (long) id, Vectors.dense(v)));
            }
            parts.add(part);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> index = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            index.add(p);
        }
        // one element per partition, expanded in place: the partition sizes are exactly the shape's
        JavaRDD<Row> rows = sc.parallelize(index, parts.size()).flatMap(p -> parts.get(p).iterator());
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("entity", DataTypes.StringType, false),
                DataTypes.createStructField("ts", DataTypes.LongType, false),
                DataTypes.createStructField(FeaturePipeline.FEATURES, SQLDataTypes.VectorType(), false)));
        return spark.createDataFrame(rows, schema);
    }
}
