package dev.lakead.features;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import dev.lakead.io.HadoopFiles;
import dev.lakead.io.TableReader;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Feature selection, cleaning, imputation, scaling, pipeline persistence and the table reader. */
class FeaturePreprocessingTest extends SparkTestSupport {
    private static final double EPS = 1e-9;

    private static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "expected message to contain '" + p + "' but was: " + e.getMessage());
        }
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    private static Dataset<Row> frame(StructType schema, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r));
        }
        return spark.createDataFrame(list, schema);
    }

    /** id, then one double feature column x holding finite values 1, 3, 5 and every kind of missing value. */
    private static Dataset<Row> withMissingValues() {
        StructType schema = DataTypes.createStructType(List.of(
                field("id", DataTypes.IntegerType), field("x", DataTypes.DoubleType)));
        return frame(schema,
                new Object[]{1, 1.0}, new Object[]{2, 3.0}, new Object[]{3, Double.NaN},
                new Object[]{4, Double.POSITIVE_INFINITY}, new Object[]{5, Double.NEGATIVE_INFINITY},
                new Object[]{6, null}, new Object[]{7, 5.0});
    }

    /** The single-feature output of the pipeline per row, ordered by id. */
    private static double[] firstFeature(FeaturePipeline pipeline, Dataset<Row> input) {
        return pipeline.transform(input).orderBy("id").collectAsList().stream()
                .mapToDouble(r -> ((Vector) r.getAs(FeaturePipeline.FEATURES)).apply(0)).toArray();
    }

    private static List<Vector> vectors(FeaturePipeline pipeline, Dataset<Row> input) {
        List<Vector> out = new ArrayList<>();
        for (Row r : pipeline.transform(input).orderBy("id").collectAsList()) {
            out.add(r.getAs(FeaturePipeline.FEATURES));
        }
        return out;
    }

    // ---------------------------------------------------------------- feature selection

    private static final StructType MIXED = DataTypes.createStructType(List.of(
            field("id", DataTypes.LongType),
            field("record_id", DataTypes.LongType),
            field("Label", DataTypes.IntegerType),
            field("hr", DataTypes.IntegerType),
            field("device", DataTypes.StringType),
            field("temp", DataTypes.DoubleType),
            field("seen_at", DataTypes.TimestampType),
            field("rpm", DataTypes.IntegerType),
            field("ok", DataTypes.BooleanType),
            field("load", DataTypes.FloatType),
            field("amount", DataTypes.createDecimalType(10, 2))));

    @Test
    void defaultSelectionTakesNumericColumnsExceptIdsLabelAndPartitions() {
        List<String> cols = FeatureSelection.resolve(MIXED, Settings.defaults(), List.of("hr"));
        assertEquals(List.of("temp", "rpm", "load", "amount"), cols);
    }

    @Test
    void excludeColumnsAndCustomLabelAreSkipped() {
        Settings s = Settings.defaults().with("features.exclude-columns", "rpm", "features.label-column", "temp");
        assertEquals(List.of("Label", "hr", "load", "amount"), FeatureSelection.resolve(MIXED, s, List.of()));
    }

    @Test
    void noNumericFeatureColumnIsAnError() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.LongType),
                field("device", DataTypes.StringType)));
        LakeadException e = assertThrows(LakeadException.class,
                () -> FeatureSelection.resolve(schema, Settings.defaults(), List.of()));
        assertMessageContains(e, "features.columns", "device");
    }

    @Test
    void configuredColumnsAreKeptInTheirOrder() {
        Settings s = Settings.defaults().with("features.columns", "rpm,temp");
        assertEquals(List.of("rpm", "temp"), FeatureSelection.resolve(MIXED, s, List.of("hr")));
    }

    @Test
    void configuredMissingColumnIsNamed() {
        Settings s = Settings.defaults().with("features.columns", "temp,pressure");
        LakeadException e = assertThrows(LakeadException.class,
                () -> FeatureSelection.resolve(MIXED, s, List.of()));
        assertMessageContains(e, "pressure", "features.columns", "missing");
    }

    @Test
    void configuredStringColumnIsNamedWithItsType() {
        Settings s = Settings.defaults().with("features.columns", "temp,device");
        LakeadException e = assertThrows(LakeadException.class,
                () -> FeatureSelection.resolve(MIXED, s, List.of()));
        assertMessageContains(e, "device (string)", "not numeric");
    }

    // ---------------------------------------------------------------- cleaning, imputation, scaling

    @Test
    void preprocessorRejectsAnUnknownScaler() {
        LakeadException e = assertThrows(LakeadException.class,
                () -> new FeaturePreprocessor(List.of("x"), "quantile"));
        assertMessageContains(e, "features.scaler", "quantile");
    }

    @Test
    void missingValuesAreImputedWithTheFiniteMeanThenMinMaxScaled() {
        Dataset<Row> df = withMissingValues();
        FeaturePipeline p = new FeaturePreprocessor(List.of("x"), FeaturePreprocessor.MINMAX).fit(df);
        assertEquals(List.of("x"), p.columns());
        assertEquals("minmax", p.scaler());
        assertEquals(1, p.size());
        // finite values 1, 3, 5 -> mean 3; min 1, max 5
        assertArrayEquals(new double[]{0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0}, firstFeature(p, df), EPS);
    }

    @Test
    void missingValuesAreImputedWithTheFiniteMeanThenStandardScaled() {
        Dataset<Row> df = withMissingValues();
        FeaturePipeline p = new FeaturePreprocessor(List.of("x"), FeaturePreprocessor.STANDARD).fit(df);
        // imputed: 1,3,3,3,3,3,5 -> mean 3, sample variance (4 + 4) / 6 = 4/3 -> std 2/sqrt(3)
        double r3 = Math.sqrt(3.0);
        assertArrayEquals(new double[]{-r3, 0, 0, 0, 0, 0, r3}, firstFeature(p, df), EPS);
    }

    @Test
    void newMissingValuesAtTransformTimeGetTheTrainingMean() {
        FeaturePipeline p = new FeaturePreprocessor(List.of("x"), FeaturePreprocessor.MINMAX)
                .fit(withMissingValues());
        StructType schema = DataTypes.createStructType(List.of(
                field("id", DataTypes.IntegerType), field("x", DataTypes.DoubleType)));
        Dataset<Row> later = frame(schema, new Object[]{1, null}, new Object[]{2, Double.NaN},
                new Object[]{3, 9.0}, new Object[]{4, Double.NEGATIVE_INFINITY});
        // training min 1, max 5; 9 lies outside the fitted range
        assertArrayEquals(new double[]{0.5, 0.5, 2.0, 0.5}, firstFeature(p, later), EPS);
    }

    @Test
    void integerAndFloatColumnsWithNullsAreImputedAndScaledPerColumn() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("n", DataTypes.IntegerType), field("f", DataTypes.FloatType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 10, 2.0f}, new Object[]{2, null, Float.NaN},
                new Object[]{3, 30, 6.0f});
        FeaturePipeline p = new FeaturePreprocessor(List.of("n", "f"), FeaturePreprocessor.MINMAX).fit(df);
        List<Vector> v = vectors(p, df);
        assertArrayEquals(new double[]{0, 0}, v.get(0).toArray(), EPS);
        assertArrayEquals(new double[]{0.5, 0.5}, v.get(1).toArray(), EPS);
        assertArrayEquals(new double[]{1, 1}, v.get(2).toArray(), EPS);
    }

    @Test
    void aRareFlagIsStandardisedByAtLeastHalfItsRangeSoThatAFlipStaysBounded() {
        // 200 rows: flag on in 2 (mean 0.01, sample std 0.0997: unfloored, a flip would be 9.9 units), x = 0..199
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("flag", DataTypes.DoubleType), field("x", DataTypes.DoubleType)));
        Object[][] rows = new Object[200][];
        for (int i = 0; i < 200; i++) {
            rows[i] = new Object[]{i, i < 2 ? 1.0 : 0.0, (double) i};
        }
        Dataset<Row> df = frame(schema, rows);
        FeaturePipeline p = new FeaturePreprocessor(List.of("flag", "x"), FeaturePreprocessor.STANDARD).fit(df);
        List<Vector> v = vectors(p, df);
        assertEquals((1 - 0.01) / 0.5, v.get(0).apply(0), EPS, "flag floored at range / 2 = 0.5");
        assertEquals((0 - 0.01) / 0.5, v.get(5).apply(0), EPS);
        double sdX = Math.sqrt(200.0 * 201 / 12); // sample std of 0..199
        assertEquals((150 - 99.5) / sdX, v.get(150).apply(1), EPS, "a continuous feature is not floored");
        // the scoring loop's plan applies the same floor
        assertEquals((1 - 0.01) / 0.5, p.plan().apply(0, 1.0), EPS);
        assertEquals(0.5, DeviationFloor.of(0.01, 0, 1, 2), 0.0);
        assertEquals(1e-4 * 1000, DeviationFloor.of(1000, 999.99, 1000.01, 500), 1e-12, "near-constant channel");
    }

    private static Dataset<Row> constantColumn() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("c", DataTypes.DoubleType), field("v", DataTypes.DoubleType)));
        return frame(schema, new Object[]{1, 7.0, 1.0}, new Object[]{2, 7.0, 2.0}, new Object[]{3, null, 3.0},
                new Object[]{4, Double.NaN, 4.0}, new Object[]{5, 7.0, 5.0});
    }

    @Test
    void zeroVarianceColumnBecomesZeroWithTheStandardScaler() {
        Dataset<Row> df = constantColumn();
        FeaturePipeline p = new FeaturePreprocessor(List.of("c", "v"), FeaturePreprocessor.STANDARD).fit(df);
        for (Vector v : vectors(p, df)) {
            assertTrue(Double.isFinite(v.apply(0)) && Double.isFinite(v.apply(1)), v.toString());
            assertEquals(0.0, v.apply(0), 0.0, v.toString());
        }
    }

    @Test
    void zeroVarianceColumnIsFiniteWithTheMinMaxScaler() {
        Dataset<Row> df = constantColumn();
        FeaturePipeline p = new FeaturePreprocessor(List.of("c", "v"), FeaturePreprocessor.MINMAX).fit(df);
        List<Vector> out = vectors(p, df);
        double[] second = new double[out.size()];
        for (int i = 0; i < out.size(); i++) {
            Vector v = out.get(i);
            assertTrue(Double.isFinite(v.apply(0)) && Double.isFinite(v.apply(1)), v.toString());
            // MLlib's MinMaxScaler maps a constant column to the middle of [min, max] = 0.5
            assertEquals(0.5, v.apply(0), 0.0, v.toString());
            second[i] = v.apply(1);
        }
        assertArrayEquals(new double[]{0, 0.25, 0.5, 0.75, 1}, second, EPS);
    }

    @Test
    void columnWithoutAnyUsableValueIsNamed() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("good", DataTypes.DoubleType), field("dead", DataTypes.DoubleType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 1.0, null}, new Object[]{2, 2.0, Double.NaN},
                new Object[]{3, 3.0, Double.POSITIVE_INFINITY}, new Object[]{4, 4.0, Double.NEGATIVE_INFINITY});
        LakeadException e = assertThrows(LakeadException.class,
                () -> new FeaturePreprocessor(List.of("good", "dead"), FeaturePreprocessor.STANDARD).fit(df));
        assertMessageContains(e, "dead", "no usable value");
        assertFalse(e.getMessage().contains("good"), e.getMessage());
    }

    @Test
    void fitOnAStringColumnNamesIt() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("name", DataTypes.StringType)));
        Dataset<Row> df = frame(schema, new Object[]{1, "a"});
        LakeadException e = assertThrows(LakeadException.class,
                () -> new FeaturePreprocessor(List.of("name"), FeaturePreprocessor.STANDARD).fit(df));
        assertMessageContains(e, "name (string)");
    }

    @Test
    void allMissingFlagsRowsWhoseFeaturesAreAllMissing() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("a", DataTypes.DoubleType), field("b", DataTypes.DoubleType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 1.0, null}, new Object[]{2, Double.NaN, null},
                new Object[]{3, Double.POSITIVE_INFINITY, Double.NaN}, new Object[]{4, null, 0.0});
        List<Integer> ids = df.where(FeaturePipeline.allMissing(List.of("a", "b"))).orderBy("id")
                .collectAsList().stream().map(r -> r.getInt(0)).toList();
        assertEquals(List.of(2, 3), ids);
    }

    @Test
    void aTableAsWideAsTheChaptersImagesIsPreprocessed() {
        // 800 features: the all-missing filter and the cleaning columns once overflowed the analyser's stack.
        int width = 800;
        List<StructField> fields = new ArrayList<>(List.of(field("id", DataTypes.IntegerType)));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            names.add("p" + i);
            fields.add(field("p" + i, DataTypes.DoubleType));
        }
        Object[][] rows = new Object[3][];
        for (int r = 0; r < 3; r++) {
            rows[r] = new Object[width + 1];
            rows[r][0] = r;
            for (int i = 0; i < width; i++) {
                rows[r][i + 1] = r == 2 ? null : (double) (r + i);
            }
        }
        Dataset<Row> df = frame(DataTypes.createStructType(fields), rows);
        assertEquals(1, df.where(FeaturePipeline.allMissing(names)).count());
        FeaturePipeline pipeline = new FeaturePreprocessor(names, FeaturePreprocessor.MINMAX)
                .fit(df.where(org.apache.spark.sql.functions.not(FeaturePipeline.allMissing(names))));
        List<Vector> out = vectors(pipeline, df);
        assertEquals(3, out.size());
        assertEquals(width, out.get(0).size());
        assertEquals(0.0, out.get(0).apply(width - 1), EPS);
        assertEquals(1.0, out.get(1).apply(width - 1), EPS);
    }

    @Test
    void columnNamesWithDotsOrSpacesAreFeaturesLikeAnyOther() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("sensor.temp", DataTypes.DoubleType), field("fan speed", DataTypes.DoubleType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 1.0, 10.0}, new Object[]{2, Double.NaN, 20.0},
                new Object[]{3, 3.0, 30.0});
        List<String> cols = FeatureSelection.resolve(df.schema(), Settings.defaults(), List.of());
        assertEquals(List.of("sensor.temp", "fan speed"), cols);
        FeaturePipeline p = new FeaturePreprocessor(cols, FeaturePreprocessor.MINMAX).fit(df);
        List<Vector> v = vectors(p, df);
        assertArrayEquals(new double[]{0, 0}, v.get(0).toArray(), EPS);
        assertArrayEquals(new double[]{0.5, 0.5}, v.get(1).toArray(), EPS);
        assertArrayEquals(new double[]{1, 1}, v.get(2).toArray(), EPS);
    }

    // ---------------------------------------------------------------- persistence and transform checks

    private static Dataset<Row> sensors() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp_c", DataTypes.DoubleType), field("rpm", DataTypes.IntegerType),
                field("tag", DataTypes.StringType)));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(new Object[]{i, i % 7 == 0 ? Double.NaN : 20.0 + Math.sin(i) * 3, i % 5 == 0 ? null : 1000 + i * 13,
                    "t" + (i % 3)});
        }
        return frame(schema, rows.toArray(new Object[0][]));
    }

    @Test
    void savedPipelineLoadsAndTransformsIdentically() {
        Dataset<Row> df = sensors();
        FeaturePipeline p = new FeaturePreprocessor(List.of("temp_c", "rpm"), FeaturePreprocessor.STANDARD).fit(df);
        HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
        String dir = path("saved-pipeline");
        p.save(files, dir);
        FeaturePipeline loaded = FeaturePipeline.load(spark, files, dir);
        assertEquals(p.columns(), loaded.columns());
        assertEquals(p.scaler(), loaded.scaler());
        List<Vector> before = vectors(p, df);
        List<Vector> after = vectors(loaded, df);
        assertEquals(40, before.size());
        assertEquals(before, after);

        // transform keeps the input columns and adds only the feature vector
        List<String> cols = Arrays.asList(loaded.transform(df).columns());
        assertEquals(List.of("id", "temp_c", "rpm", "tag", FeaturePipeline.FEATURES), cols);
    }

    @Test
    void loadingAnIncompletePipelineNamesWhatIsExpected() throws IOException {
        Files.createDirectories(tmp.resolve("empty-pipeline"));
        HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
        LakeadException e = assertThrows(LakeadException.class,
                () -> FeaturePipeline.load(spark, files, path("empty-pipeline")));
        assertMessageContains(e, "features.json", "incomplete");
    }

    @Test
    void transformOnInputWithoutAModelColumnNamesIt() {
        Dataset<Row> df = sensors();
        FeaturePipeline p = new FeaturePreprocessor(List.of("temp_c", "rpm"), FeaturePreprocessor.MINMAX).fit(df);
        LakeadException e = assertThrows(LakeadException.class, () -> p.transform(df.drop("rpm")));
        assertMessageContains(e, "missing column rpm");

        LakeadException e2 = assertThrows(LakeadException.class,
                () -> p.transform(df.withColumn("rpm", col("tag"))));
        assertMessageContains(e2, "rpm (string)");
    }

    // ---------------------------------------------------------------- table reader

    @Test
    void readsCsvWithASemicolonDelimiter() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("csv-in"));
        Files.writeString(dir.resolve("part-0.csv"), "id;temp;rpm;name\n1;20.5;1000;alpha\n2;21.5;1100;beta\n"
                + "3;22.0;1200;gamma\n");
        TableReader.Table t = TableReader.read(spark, dir.toString(), "csv", true, ";", "");
        assertEquals(List.of("id", "temp", "rpm", "name"), Arrays.asList(t.rows().columns()));
        assertEquals(List.of(), t.partitionColumns());
        assertEquals(dir.toString(), t.path());
        assertEquals(3, t.rows().count());
        assertEquals(DataTypes.DoubleType, t.rows().schema().apply("temp").dataType());
        Row first = t.rows().orderBy("id").first();
        assertEquals(20.5, first.getDouble(1), 0.0);
        assertEquals("alpha", first.getString(3));
        assertEquals(List.of("temp", "rpm"), FeatureSelection.resolve(t.rows().schema(), Settings.defaults(),
                t.partitionColumns()));

        TableReader.Table filtered = TableReader.read(spark, dir.toString(), "csv", true, ";", "rpm >= 1100");
        assertEquals(2, filtered.rows().count());
    }

    @Test
    void discoversHivePartitionColumns() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp", DataTypes.DoubleType), field("dt", DataTypes.StringType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 1.0, "2026-11-01"}, new Object[]{2, 2.0, "2026-11-01"},
                new Object[]{3, 3.0, "2026-11-02"});
        df.write().partitionBy("dt").parquet(path("lake-dt"));

        TableReader.Table t = TableReader.read(spark, path("lake-dt"), "parquet", true, ",", "");
        assertEquals(List.of("dt"), t.partitionColumns());
        assertTrue(Arrays.asList(t.rows().columns()).contains("dt"));
        assertEquals(3, t.rows().count());
        assertEquals(1, TableReader.read(spark, path("lake-dt"), "parquet", true, ",", "dt = '2026-11-02'")
                .rows().count());
    }

    @Test
    void discoversNestedPartitionColumnsOutermostFirstAndExcludesThemFromFeatures() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp", DataTypes.DoubleType), field("dt", DataTypes.StringType),
                field("hr", DataTypes.IntegerType)));
        Dataset<Row> df = frame(schema, new Object[]{1, 1.0, "2026-11-01", 3}, new Object[]{2, 2.0, "2026-11-02", 4});
        df.write().partitionBy("dt", "hr").parquet(path("lake-dt-hr"));
        TableReader.Table t = TableReader.read(spark, path("lake-dt-hr"), "parquet", true, ",", "");
        assertEquals(List.of("dt", "hr"), t.partitionColumns());
        assertEquals(List.of("temp"), FeatureSelection.resolve(t.rows().schema(), Settings.defaults(),
                t.partitionColumns()));
    }

    @Test
    void readsThroughSettings() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp", DataTypes.DoubleType)));
        frame(schema, new Object[]{1, 1.0}, new Object[]{2, 2.0}).write().parquet(path("plain"));
        TableReader.Table t = TableReader.read(spark, Settings.defaults().with("input.path", path("plain"),
                "input.where", "temp > 1.5"));
        assertEquals(1, t.rows().count());
        LakeadException e = assertThrows(LakeadException.class, () -> TableReader.read(spark,
                Settings.defaults().with("input.path", path("plain"), "input.format", "orc")));
        assertMessageContains(e, "input.format", "orc");
    }

    @Test
    void missingInputPathNamesThePathAndTheSetting() {
        String missing = path("no-such-table");
        LakeadException e = assertThrows(LakeadException.class,
                () -> TableReader.read(spark, missing, "parquet", true, ",", ""));
        assertMessageContains(e, missing, "input.path");
    }

    @Test
    void invalidWhereFilterOnAnUnknownColumnNamesTheSetting() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp", DataTypes.DoubleType)));
        frame(schema, new Object[]{1, 1.0}).write().parquet(path("where-unknown"));
        LakeadException e = assertThrows(LakeadException.class,
                () -> TableReader.read(spark, path("where-unknown"), "parquet", true, ",", "no_such_column > 1"));
        assertMessageContains(e, "input.where");
    }

    @Test
    void unparsableWhereFilterNamesTheSetting() {
        StructType schema = DataTypes.createStructType(List.of(field("id", DataTypes.IntegerType),
                field("temp", DataTypes.DoubleType)));
        frame(schema, new Object[]{1, 1.0}).write().parquet(path("where-syntax"));
        LakeadException e = assertThrows(LakeadException.class,
                () -> TableReader.read(spark, path("where-syntax"), "parquet", true, ",", "temp >>> AND ("));
        assertMessageContains(e, "input.where");
    }

    @Test
    void unreadableParquetDirectoryNamesThePath() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-table"));
        LakeadException e = assertThrows(LakeadException.class,
                () -> TableReader.read(spark, empty.toString(), "parquet", true, ",", ""));
        assertMessageContains(e, empty.toString());
    }
}
