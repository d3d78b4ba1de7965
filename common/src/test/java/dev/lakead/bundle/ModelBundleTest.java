package dev.lakead.bundle;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.io.HadoopFiles;
import dev.lakead.models.autoencoder.AutoencoderModel;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing, loading, versioning and corruption handling of model bundles. */
class ModelBundleTest extends SparkTestSupport {
    private static final List<String> COLUMNS = List.of("a", "b", "c");
    private static HadoopFiles files;
    private static FeaturePipeline pipeline;
    private static AutoencoderModel model;
    private static Threshold threshold;
    private static String goodBundle;

    @BeforeAll
    static void fixtures() {
        files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("a", DataTypes.DoubleType, true),
                DataTypes.createStructField("b", DataTypes.DoubleType, true),
                DataTypes.createStructField("c", DataTypes.DoubleType, true)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i * 0.5, Math.cos(i), i % 3 == 0 ? null : 10.0 - i));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        pipeline = new FeaturePreprocessor(COLUMNS, FeaturePreprocessor.STANDARD).fit(df);
        model = autoencoder(3, 7L);
        threshold = new Threshold(0.125, "percentile", Map.of("percentile", 0.95, "relative_error", 0.0),
                Map.of("count", 20, "mean", 0.05));
        goodBundle = path("bundles/m/v1");
        ModelBundle.write(files, goodBundle, metadata("v1", COLUMNS), pipeline, model, threshold);
    }

    private static AutoencoderModel autoencoder(int inputSize, long seed) {
        AutoencoderSpec spec = new AutoencoderSpec(inputSize, List.of(4, 2), "identity", 0.01, 0.0, seed);
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        return new AutoencoderModel(net, spec.asMap());
    }

    private static BundleMetadata metadata(String version, List<String> columns) {
        return BundleMetadata.of(AutoencoderModel.TYPE, "m", version, columns);
    }

    private static INDArray batch() {
        return Nd4j.create(new float[][]{{0.1f, -0.2f, 0.3f}, {1.5f, 0.0f, -1.0f}, {-2f, 2f, 0.5f}, {0f, 0f, 0f}});
    }

    /** A copy of the good bundle (checksum files included) that a test may break. */
    private static Path copyOfGoodBundle(String name) throws IOException {
        Path src = Path.of(goodBundle);
        Path dst = tmp.resolve("broken").resolve(name);
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return dst;
    }

    /** A copy without manifest.json, as bundles were before it: the loader's own content checks still apply. */
    private static Path legacyCopyOfGoodBundle(String name) throws IOException {
        Path dst = copyOfGoodBundle(name);
        Files.delete(dst.resolve(BundleManifest.FILE));
        Files.deleteIfExists(dst.resolve("." + BundleManifest.FILE + ".crc"));
        return dst;
    }

    /** A part file of the saved MLlib preprocessing pipeline, relative to the bundle. */
    private static String preprocessingPartFile(Path bundle) throws IOException {
        try (Stream<Path> walk = Files.walk(bundle.resolve(ModelBundle.PREPROCESSING))) {
            return bundle.relativize(walk.filter(p -> p.getFileName().toString().startsWith("part-")
                    && p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow()).toString();
        }
    }

    private static void dropChecksum(Path bundle, String file) throws IOException {
        Path f = bundle.resolve(file);
        Files.deleteIfExists(f.resolveSibling("." + f.getFileName() + ".crc"));
    }

    @Test
    void theManifestListsEveryFileWithItsSizeAndChecksum() throws IOException {
        Map<?, ?> manifest = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                Path.of(goodBundle, BundleManifest.FILE).toFile(), Map.class);
        Map<?, ?> listed = (Map<?, ?>) manifest.get("files");
        Path root = Path.of(goodBundle);
        List<String> onDisk;
        try (Stream<Path> walk = Files.walk(root)) {
            onDisk = walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(r -> !r.equals(BundleManifest.FILE) && !r.startsWith(".") && !r.contains("/."))
                    .sorted().toList();
        }
        assertEquals(onDisk, listed.keySet().stream().map(String::valueOf).sorted().toList());
        assertTrue(onDisk.contains(ModelBundle.NETWORK) && onDisk.stream().anyMatch(r -> r.endsWith(".parquet")),
                onDisk.toString());
        Map<?, ?> network = (Map<?, ?>) listed.get(ModelBundle.NETWORK);
        assertEquals(Files.size(root.resolve(ModelBundle.NETWORK)), ((Number) network.get("size")).longValue());
        assertEquals(64, String.valueOf(network.get("sha256")).length());
    }

    @Test
    void aMissingTruncatedAlteredOrForeignFileIsNamed() throws IOException {
        Path missing = copyOfGoodBundle("manifest-missing-part");
        String part = preprocessingPartFile(missing);
        Files.delete(missing.resolve(part));
        dropChecksum(missing, part);
        LakeadException e = assertThrows(LakeadException.class,
                () -> ModelBundle.load(spark, files, missing.toString()));
        assertEquals("Model bundle " + missing + " is damaged: " + part + " is missing", e.getMessage());

        Path truncated = copyOfGoodBundle("manifest-truncated-part");
        byte[] bytes = Files.readAllBytes(truncated.resolve(part));
        overwrite(truncated, part, java.util.Arrays.copyOf(bytes, bytes.length / 2), false);
        dropChecksum(truncated, part);
        e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, truncated.toString()));
        assertEquals("Model bundle " + truncated + " is damaged: " + part + " has " + bytes.length / 2
                + " bytes, the manifest says " + bytes.length, e.getMessage());

        Path altered = copyOfGoodBundle("manifest-altered-metadata");
        byte[] meta = Files.readAllBytes(altered.resolve(ModelBundle.METADATA));
        meta[meta.length - 3] ^= 1; // same size, one bit changed
        overwrite(altered, ModelBundle.METADATA, meta, true);
        e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, altered.toString()));
        assertEquals("Model bundle " + altered + " is damaged: metadata.json does not match its checksum in"
                + " manifest.json", e.getMessage());

        Path foreign = copyOfGoodBundle("manifest-foreign-file");
        Files.writeString(foreign.resolve("notes.txt"), "left here by someone");
        e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, foreign.toString()));
        assertEquals("Model bundle " + foreign + " is damaged: notes.txt is not in its manifest.json", e.getMessage());

        // the real-time scorer checks the same manifest before it reads anything
        e = assertThrows(LakeadException.class,
                () -> dev.lakead.scoring.RealtimeScorer.load(truncated.toString()));
        assertTrue(e.getMessage().contains("is damaged: " + part), e.getMessage());
    }

    @Test
    void aBundleWithoutManifestStillLoads() throws IOException {
        Path legacy = legacyCopyOfGoodBundle("legacy");
        assertEquals(threshold, ModelBundle.load(spark, files, legacy.toString()).threshold());
    }

    @Test
    void newThresholdVersionsKeepTheManifestTrue() throws IOException {
        String dir = copyOfGoodBundle("manifest-threshold").toString();
        ModelBundle b = ModelBundle.load(spark, files, dir);
        b.withThreshold(files, new Threshold(0.7, "mean-std", Map.of("k", 2.0), Map.of("count", 20)));
        ModelBundle again = ModelBundle.load(spark, files, dir).activateThreshold(files, 1);
        assertEquals(threshold, ModelBundle.load(spark, files, dir).threshold(), "verified and back at t1");
        assertEquals(1, again.thresholdVersion());
    }

    /** Replaces a file's bytes behind Hadoop's back; dropping its .crc lets the bytes reach the parser. */
    private static void overwrite(Path bundle, String file, byte[] bytes, boolean dropChecksum) throws IOException {
        Files.write(bundle.resolve(file), bytes);
        if (dropChecksum) {
            Files.deleteIfExists(bundle.resolve("." + file + ".crc"));
        }
    }

    private static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "expected message to contain '" + p + "' but was: " + e.getMessage());
        }
    }

    @Test
    void writeThenLoadRoundTrips() {
        ModelBundle loaded = ModelBundle.load(spark, files, goodBundle);
        assertEquals(goodBundle, loaded.path());
        assertEquals(threshold, loaded.threshold());
        assertEquals(COLUMNS, loaded.pipeline().columns());
        assertEquals("standard", loaded.pipeline().scaler());
        assertEquals("m", loaded.name());
        assertEquals("v1", loaded.version());
        assertEquals(ModelBundle.FORMAT_VERSION, loaded.metadata().formatVersion());
        assertEquals(COLUMNS, loaded.metadata().featureColumns());
        assertEquals(AutoencoderModel.TYPE, loaded.model().type());
        assertEquals(3, loaded.model().inputSize());

        double[] expected = model.score(batch());
        double[] actual = loaded.model().score(batch());
        assertEquals(4, actual.length);
        assertArrayEquals(expected, actual, 0.0);
        assertEquals(((AutoencoderModel) model).network().params(),
                ((AutoencoderModel) loaded.model()).network().params());
    }

    @Test
    void writeLeavesOnlyTheBundleBehind() throws IOException {
        try (Stream<Path> children = Files.list(Path.of(goodBundle).getParent())) {
            assertEquals(List.of("v1"), children.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList());
        }
        for (String f : List.of(ModelBundle.METADATA, ModelBundle.THRESHOLD, ModelBundle.NETWORK,
                ModelBundle.PREPROCESSING)) {
            assertTrue(Files.exists(Path.of(goodBundle, f)), f);
        }
    }

    @Test
    void writingOverAnExistingBundleFails() {
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.write(files, goodBundle,
                metadata("v1", COLUMNS), pipeline, autoencoder(3, 99L),
                new Threshold(9.0, "mean-std", Map.of("k", 3.0), Map.of())));
        assertMessageContains(e, goodBundle, "already exists");
        assertEquals(threshold, ModelBundle.load(spark, files, goodBundle).threshold(), "old bundle untouched");
    }

    @Test
    void metadataWrittenByEarlierVersionsStillLoads() throws IOException {
        String dir = copyOfGoodBundle("old-metadata").toString();
        // as TrainStep wrote it before the metadata was typed, with a key this version does not know
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("model_type", AutoencoderModel.TYPE);
        old.put("model_name", "m");
        old.put("model_version", "v1");
        old.put("feature_columns", COLUMNS);
        old.put("scaler", "standard");
        old.put("hyperparameters", Map.of("input_size", 3));
        old.put("training", Map.of("loss_curve", List.of()));
        old.put("prepared_data", Map.of("input_where", "dt < '2026-11-03'"));
        old.put("created_at", "2026-11-01T00:00:00Z");
        old.put("code_version", "0.1");
        old.put("settings", "{}");
        old.put("training_rows", 20);
        old.put("format_version", 1);
        files.replaceString(dir + "/" + ModelBundle.METADATA, new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(old));
        BundleManifest.update(files, dir, List.of(ModelBundle.METADATA));
        ModelBundle loaded = ModelBundle.load(spark, files, dir);
        assertEquals("m", loaded.name());
        assertEquals(COLUMNS, loaded.metadata().featureColumns());
        assertEquals("dt < '2026-11-03'", loaded.metadata().preparedDataOrEmpty().get("input_where"));
        assertEquals(Map.of("input_size", 3), loaded.metadata().hyperparameters());
        assertEquals(1, loaded.metadata().formatVersion());
    }

    @Test
    void withThresholdReplacesTheActiveThreshold() throws IOException {
        String dir = copyOfGoodBundle("rethreshold").toString();
        ModelBundle b = ModelBundle.load(spark, files, dir);
        Threshold t = new Threshold(0.5, "mean-std", Map.of("k", 2.0), Map.of("count", 20));
        assertEquals(t, b.withThreshold(files, t).threshold());
        assertEquals(t, ModelBundle.load(spark, files, dir).threshold());
    }

    @Test
    void missingBundleIsNamed() {
        String nope = path("bundles/m/v404");
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, nope));
        assertMessageContains(e, nope, "does not exist");
    }

    @Test
    void missingNetworkIsReported() throws IOException {
        Path b = legacyCopyOfGoodBundle("no-network");
        Files.delete(b.resolve(ModelBundle.NETWORK));
        Files.deleteIfExists(b.resolve("." + ModelBundle.NETWORK + ".crc"));
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, b.toString()));
        assertMessageContains(e, "network.bin is missing");
    }

    @Test
    void garbageNetworkIsReported() throws IOException {
        Path b = legacyCopyOfGoodBundle("garbage-network");
        overwrite(b, ModelBundle.NETWORK, "this is not a DL4J model".getBytes(), true);
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, b.toString()));
        assertMessageContains(e, "network.bin", "cannot be loaded");

        Path c = legacyCopyOfGoodBundle("garbage-network-checksummed");
        overwrite(c, ModelBundle.NETWORK, new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, false);
        LakeadException e2 = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, c.toString()));
        assertMessageContains(e2, "network.bin");
    }

    @Test
    void garbageThresholdIsReported() throws IOException {
        Path b = legacyCopyOfGoodBundle("garbage-threshold");
        overwrite(b, ModelBundle.THRESHOLD, "{ value: oops".getBytes(), true);
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, b.toString()));
        assertMessageContains(e, "threshold.json", "corrupt");

        Path c = legacyCopyOfGoodBundle("threshold-without-value");
        overwrite(c, ModelBundle.THRESHOLD, "{\"method\": \"percentile\"}".getBytes(), true);
        LakeadException e2 = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, c.toString()));
        assertMessageContains(e2, "threshold.json", "corrupt");
    }

    @Test
    void garbageMetadataIsReported() throws IOException {
        Path b = legacyCopyOfGoodBundle("garbage-metadata");
        overwrite(b, ModelBundle.METADATA, "[1, 2".getBytes(), true);
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, b.toString()));
        assertMessageContains(e, "metadata.json", "corrupt");
    }

    @Test
    void metadataFeaturesThatDisagreeWithThePipelineAreReported() {
        String dir = path("bundles/inconsistent/v1");
        ModelBundle.write(files, dir, metadata("v1", List.of("a", "b")), pipeline, model, threshold);
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, dir));
        assertMessageContains(e, "inconsistent", "[a, b]", "[a, b, c]");
    }

    @Test
    void networkWidthThatDisagreesWithTheFeaturesIsReported() {
        String dir = path("bundles/wide/v1");
        ModelBundle.write(files, dir, metadata("v1", COLUMNS), pipeline, autoencoder(4, 7L), threshold);
        LakeadException e = assertThrows(LakeadException.class, () -> ModelBundle.load(spark, files, dir));
        assertMessageContains(e, "inconsistent", "4 inputs", "3 feature columns");
    }

    @Test
    void locatePicksTheHighestVersionAndNextVersionFollowsIt() throws IOException {
        Path root = tmp.resolve("locate-root");
        for (String d : List.of("v1", "v2", "v9", "v10", "latest", "vX", "_tmp-123", "v3-old")) {
            Files.createDirectories(root.resolve("sensors").resolve(d));
        }
        Files.writeString(root.resolve("sensors").resolve("v99"), "a file, not a bundle");
        String r = root.toString();
        assertEquals(r + "/sensors/v10", new BundleStore(files, r).locate("sensors", ""));
        assertEquals(r + "/sensors/v10", new BundleStore(files, r).locate("sensors", null));
        assertEquals("v11", new BundleStore(files, r).nextVersion("sensors", ""));
        assertEquals(r + "/sensors/v2", new BundleStore(files, r).locate("sensors", "v2"));
        assertEquals("v7", new BundleStore(files, r).nextVersion("sensors", "v7"));
        assertEquals("v2", new BundleStore(files, path("bundles")).nextVersion("m", ""));
    }

    @Test
    void locateOnAnEmptyRootFails() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("empty-root"));
        LakeadException e = assertThrows(LakeadException.class,
                () -> new BundleStore(files, root.toString()).locate("sensors", ""));
        assertMessageContains(e, root + "/sensors", "model.root", "model.name");
        assertEquals("v1", new BundleStore(files, root.toString()).nextVersion("sensors", ""));

        Files.createDirectories(root.resolve("sensors").resolve("old"));
        assertThrows(LakeadException.class, () -> new BundleStore(files, root.toString()).locate("sensors", ""));
        assertThrows(LakeadException.class,
                () -> new BundleStore(files, path("no-such-root")).locate("sensors", ""));
    }
}
