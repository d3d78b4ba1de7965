package dev.lakead.models.batch;

import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.models.autoencoder.AutoencoderModel;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import dev.lakead.training.DataSetRdds;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched scoring on the executors against the same network applied on the driver. */
class BatchScorerTest extends SparkTestSupport {
    private static final int N = 1003;
    private static final int PARTITIONS = 3;
    private static final List<String> FEATURES = List.of("x1", "x2", "x3", "x4");
    private static Dataset<Row> featured;
    private static Dataset<Row> input;
    private static FeaturePipeline pipeline;
    private static AutoencoderModel model;
    /** Input row by id: {id, device, dt, ...features}. */
    private static final Map<Long, Row> INPUT = new HashMap<>();

    @BeforeAll
    static void fixtures() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("device", DataTypes.StringType, true),
                DataTypes.createStructField("dt", DataTypes.StringType, true),
                DataTypes.createStructField("x1", DataTypes.DoubleType, true),
                DataTypes.createStructField("x2", DataTypes.DoubleType, true),
                DataTypes.createStructField("x3", DataTypes.DoubleType, true),
                DataTypes.createStructField("x4", DataTypes.IntegerType, true)));
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < N; i++) {
            Row r = RowFactory.create(i, i % 11 == 0 ? null : "dev-" + (i % 7), "2026-11-0" + (1 + i % 3),
                    Math.sin(i * 0.1) * 5, i % 17 == 0 ? Double.NaN : Math.cos(i * 0.37), (double) (i % 13),
                    i % 19 == 0 ? null : (int) (i % 5) * 100);
            rows.add(r);
            INPUT.put(i, r);
        }
        input = spark.createDataFrame(rows, schema).repartition(PARTITIONS).cache();
        pipeline = new FeaturePreprocessor(FEATURES, FeaturePreprocessor.STANDARD).fit(input);
        featured = pipeline.transform(input).cache();

        AutoencoderSpec spec = new AutoencoderSpec(FEATURES.size(), List.of(8, 3), "identity", 0.001, 0.0, 3L);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        model = new AutoencoderModel(net, spec.asMap());
    }

    /** model.score on all rows as one INDArray on the driver, by id. */
    private static Map<Long, Double> driverScores() {
        List<Row> rows = featured.select(col("id"), col(FeaturePipeline.FEATURES)).collectAsList();
        List<Vector> vectors = new ArrayList<>();
        for (Row r : rows) {
            vectors.add(r.getAs(1));
        }
        double[] scores = model.copy().score(DataSetRdds.toMatrix(vectors, FEATURES.size()));
        Map<Long, Double> byId = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byId.put(rows.get(i).getLong(0), scores[i]);
        }
        return byId;
    }

    private static void assertScoredLikeTheDriver(Dataset<Row> scored, int expectedRows) {
        Map<Long, Double> expected = driverScores();
        List<Row> out = scored.collectAsList();
        assertEquals(expectedRows, out.size());
        int scoreIndex = Arrays.asList(scored.columns()).indexOf(BatchScorer.SCORE);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Row r : out) {
            long id = r.getLong(0);
            assertTrue(seen.add(id), "row " + id + " scored twice");
            double e = expected.get(id);
            double a = r.getDouble(scoreIndex);
            assertTrue(Double.isFinite(a), "score of " + id + " is " + a);
            assertEquals(e, a, 1e-6 * Math.max(1.0, Math.abs(e)), "score of row " + id);
        }
    }

    @Test
    void scoresEveryRowOnceWithTheSameScoresAsTheDriver() {
        Dataset<Row> scored = BatchScorer.scoreVectors(featured, List.of("id", "device", "dt"), model, 100);
        assertEquals(List.of("id", "device", "dt", BatchScorer.SCORE), Arrays.asList(scored.columns()));
        assertEquals(N, scored.count());
        assertScoredLikeTheDriver(scored, N);
    }

    @Test
    void passThroughColumnsAreUnchanged() {
        Dataset<Row> scored = BatchScorer.scoreVectors(featured, List.of("id", "device", "dt", "x2"), model, 100);
        assertEquals(featured.schema().apply("device"), scored.schema().apply("device"));
        assertEquals(featured.schema().apply("x2"), scored.schema().apply("x2"));
        assertFalse(scored.schema().apply(BatchScorer.SCORE).nullable());
        int nullDevices = 0;
        for (Row r : scored.collectAsList()) {
            Row in = INPUT.get(r.getLong(0));
            assertEquals(in.get(1), r.get(1), "device of " + r.getLong(0));
            assertEquals(in.get(2), r.get(2), "dt of " + r.getLong(0));
            assertTrue(Objects.equals(in.get(4), r.get(3)) || (Double.isNaN(in.getDouble(4)) && Double.isNaN(r.getDouble(3))),
                    "x2 of " + r.getLong(0) + ": " + in.get(4) + " vs " + r.get(3));
            if (r.isNullAt(1)) {
                nullDevices++;
            }
        }
        assertEquals((N + 10) / 11, nullDevices);
    }

    @Test
    void keepsThePartitioningOfItsInput() {
        Dataset<Row> scored = BatchScorer.scoreVectors(featured, List.of("id"), model, 100);
        assertEquals(PARTITIONS, featured.rdd().getNumPartitions());
        assertEquals(featured.rdd().getNumPartitions(), scored.rdd().getNumPartitions());
        // row counts per partition are those of the input
        List<Integer> in = featured.javaRDD().mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        List<Integer> outCounts = scored.javaRDD().mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        assertEquals(in, outCounts);
        assertEquals(N, outCounts.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void batchSizeDoesNotChangeTheScores() {
        Dataset<Row> small = featured.where(col("id").lt(57));
        assertScoredLikeTheDriverOn(BatchScorer.scoreVectors(small, List.of("id"), model, 1), small, 57);
        assertScoredLikeTheDriverOn(BatchScorer.scoreVectors(small, List.of("id"), model, 7), small, 57);
        assertScoredLikeTheDriverOn(BatchScorer.scoreVectors(small, List.of("id"), model, 10_000), small, 57);
    }

    private static void assertScoredLikeTheDriverOn(Dataset<Row> scored, Dataset<Row> input, int rows) {
        Map<Long, Double> expected = driverScores();
        List<Row> out = scored.collectAsList();
        assertEquals(rows, out.size());
        assertEquals(rows, input.count());
        for (Row r : out) {
            double e = expected.get(r.getLong(0));
            assertEquals(e, r.getDouble(1), 1e-6 * Math.max(1.0, Math.abs(e)), "score of row " + r.getLong(0));
        }
    }

    @Test
    void passThroughColumnWithADotInItsName() {
        Dataset<Row> dotted = featured.where(col("id").lt(20)).withColumnRenamed("device", "device.name");
        List<Row> out = BatchScorer.scoreVectors(dotted, List.of("id", "device.name"), model, 8).collectAsList();
        assertEquals(20, out.size());
        for (Row r : out) {
            assertEquals(INPUT.get(r.getLong(0)).get(1), r.get(1));
        }
    }

    @Test
    void emptyInputAndEmptyPartitionsGiveNoRows() {
        assertEquals(0, BatchScorer.scoreVectors(featured.where(col("id").lt(0)), List.of("id"), model, 100).count());
        // one non-empty partition among several empty ones
        Dataset<Row> sparse = featured.where(col("id").equalTo(500)).repartition(5);
        List<Row> out = BatchScorer.scoreVectors(sparse, List.of("id"), model, 100).collectAsList();
        assertEquals(1, out.size());
        assertEquals(500L, out.get(0).getLong(0));
        assertEquals(driverScores().get(500L), out.get(0).getDouble(1), 1e-6);
    }

    @Test
    void rawScoringWithTheScalingPlanMatchesTheMllibPipeline() {
        // Imputation and scaling applied inside the batch loop (NaN, null, int column) == MLlib's transform.
        assertScoredLikeTheDriver(BatchScorer.scoreRaw(input, List.of("id"), pipeline, model, 64), N);
    }

    /**
     * A Parquet table partitioned by dt, with a float feature: scored from the scan's column batches (no row built
     * per record), every row and its pass-through columns come out as the row path gives them, and so do the
     * audit's counts.
     */
    @Test
    void rawScoringFromColumnBatchesMatchesTheRowPath() {
        String path = path("columnar.parquet");
        // x3 as a float with a NaN in rows that already have one in x2 (so the row count below holds)
        input.withColumn("x3", org.apache.spark.sql.functions.when(col("id").mod(34).equalTo(0), Double.NaN)
                        .otherwise(col("x3")).cast(DataTypes.FloatType))
                .write().mode("overwrite").partitionBy("dt").parquet(path);
        Dataset<Row> parquet = spark.read().parquet(path);
        Dataset<Row> rowsOnly = spark.createDataFrame(parquet.collectAsList(), parquet.schema()); // a row source
        List<String> pass = List.of("id", "device", "dt");
        assertTrue(ColumnarRows.readsBatches(parquet.select("id", "device", "dt", "x1", "x2", "x3", "x4")));
        assertFalse(ColumnarRows.readsBatches(rowsOnly.select("id", "x1")));
        assertFalse(ColumnarRows.readsBatches(parquet.select(col("id"), col("x1").plus(1))), "an expression");

        assertTrue(ColumnarRows.readsBatches(parquet.select(col("id"), col("device"), col("dt"), col("x1"),
                col("x2"), col("x3"), col("x4"))), "the scorer's own query: every feature as it is");
        UnusableValues batchCounts = UnusableValues.register(spark.sparkContext(), FEATURES.size());
        UnusableValues rowCounts = UnusableValues.register(spark.sparkContext(), FEATURES.size());
        // one action each (an orderBy would also run the scorer to sample its range bounds, counting twice)
        List<Row> viaBatches = new ArrayList<>(BatchScorer.scoreRaw(parquet, pass, pipeline, model,
                BatchRows.fixed(64), BatchScorer.Outputs.SCORE_ONLY, batchCounts).collectAsList());
        List<Row> viaRows = new ArrayList<>(BatchScorer.scoreRaw(rowsOnly, pass, pipeline, model,
                BatchRows.fixed(64), BatchScorer.Outputs.SCORE_ONLY, rowCounts).collectAsList());
        viaBatches.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        viaRows.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        assertEquals(N, viaBatches.size());
        assertEquals(viaRows, viaBatches);
        assertEquals(N, batchCounts.rows());
        assertEquals((N + 16) / 17 + (N + 18) / 19 - (N + 322) / 323, batchCounts.rowsWithUnusableValues(),
                "rows with a NaN x2 or a null x4");
        assertEquals(Arrays.toString(rowCounts.value()), Arrays.toString(batchCounts.value()));
        assertEquals((N + 33) / 34, batchCounts.unusableValues(FEATURES.indexOf("x3")), "NaN in the float x3");
    }

    /**
     * A table wider than spark.sql.codegen.maxFields (150 float columns): still read from the scan's column
     * batches, every value as the row path reads it, and the session's setting is as it was afterwards.
     */
    @Test
    void aWideTableIsReadFromColumnBatchesToo() {
        int width = 150;
        String path = path("wide.parquet");
        List<Column> columns = new ArrayList<>(List.of(col("id"), col("dt")));
        for (int j = 0; j < width; j++) {
            columns.add(col("id").multiply(j + 1).mod(97).divide(7).cast(DataTypes.FloatType).as("f" + j));
        }
        input.select(columns.toArray(new Column[0])).write().mode("overwrite").partitionBy("dt").parquet(path);
        Dataset<Row> wide = spark.read().parquet(path);
        List<Column> features = new ArrayList<>(List.of(col("id")));
        for (int j = 0; j < width; j++) {
            features.add(col("f" + j));
        }
        Dataset<Row> query = wide.select(features.toArray(new Column[0]));
        String before = spark.conf().get("spark.sql.codegen.maxFields");

        assertTrue(ColumnarRows.readsBatches(query));
        List<String> viaBatches = ColumnarRows.mapPartitions(query, rows -> {
            List<org.apache.spark.sql.catalyst.InternalRow> sums = new ArrayList<>();
            while (rows.hasNext()) {
                org.apache.spark.sql.catalyst.InternalRow r = rows.next();
                double sum = 0;
                for (int j = 1; j <= width; j++) {
                    sum += r.getFloat(j) * j;
                }
                sums.add(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
                        new Object[]{r.getLong(0), sum}));
            }
            return sums.iterator();
        }).map(r -> r.getLong(0) + ":" + r.getDouble(1)).collect();
        Column weighted = lit(0.0);
        for (int j = 0; j < width; j++) {
            weighted = weighted.plus(col("f" + j).cast(DataTypes.FloatType).multiply(j + 1));
        }
        List<String> viaSql = query.select(col("id"), weighted).collectAsList().stream()
                .map(r -> r.getLong(0) + ":" + r.getDouble(1)).toList();
        assertEquals(N, viaBatches.size());
        assertEquals(new java.util.TreeSet<>(viaSql), new java.util.TreeSet<>(viaBatches));
        assertEquals(before, spark.conf().get("spark.sql.codegen.maxFields"));
    }

    /** Min-max and robust scaling (a constant column has zero range / IQR) applied in the batch == MLlib's. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {FeaturePreprocessor.MINMAX, FeaturePreprocessor.ROBUST})
    void rawScoringMatchesTheScalerWithAConstantColumn(String scaler) {
        Dataset<Row> withConstant = input.withColumn("x3", org.apache.spark.sql.functions.lit(4.0));
        FeaturePipeline fitted = new FeaturePreprocessor(FEATURES, scaler).fit(withConstant);
        List<Row> viaMllib = BatchScorer.scoreVectors(fitted.transform(withConstant), List.of("id"), model, 50)
                .orderBy("id").collectAsList();
        List<Row> viaPlan = BatchScorer.scoreRaw(withConstant, List.of("id"), fitted, model, 50)
                .orderBy("id").collectAsList();
        assertEquals(N, viaPlan.size());
        for (int i = 0; i < N; i++) {
            assertEquals(viaMllib.get(i).getLong(0), viaPlan.get(i).getLong(0));
            assertEquals(viaMllib.get(i).getDouble(1), viaPlan.get(i).getDouble(1), 1e-6, scaler + " row " + i);
        }
    }

    @Test
    void featureErrorsAverageToTheScore() {
        Dataset<Row> scored = BatchScorer.scoreRaw(input, List.of("id"), pipeline, model, 64,
                new BatchScorer.Outputs(BatchScorer.LatentExport.NONE, true));
        assertEquals(List.of("id", BatchScorer.SCORE, BatchScorer.FEATURE_ERRORS), Arrays.asList(scored.columns()));
        List<Row> out = scored.collectAsList();
        assertEquals(N, out.size());
        for (Row r : out) {
            List<Double> errors = r.getList(2);
            assertEquals(FEATURES.size(), errors.size());
            assertEquals(r.getDouble(1), errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                    1e-6 * Math.max(1, r.getDouble(1)), "row " + r.getLong(0));
        }
    }
}
