package dev.lakead.config;

import dev.lakead.LakeadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layering and validation of settings: defaults &lt; config file &lt; overrides; errors name the setting. */
class SettingsTest {
    @TempDir
    Path dir;

    private File confFile(String name, String hocon) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, hocon);
        return f.toFile();
    }

    private static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "expected message to contain '" + p + "' but was: " + e.getMessage());
        }
    }

    @Test
    void defaultsLoadFromTheBuiltInFile() {
        Settings s = Settings.defaults();
        assertEquals(20, s.integer("train.epochs"));
        assertEquals(128, s.positiveInt("train.batch-size-per-worker"));
        assertEquals(0.95, s.number("threshold.percentile"), 0.0);
        assertEquals(3.0, s.number("threshold.k"), 0.0);
        assertEquals(42L, s.longValue("model.seed"));
        assertEquals("percentile", s.choice("threshold.method", "percentile", "mean-std"));
        assertEquals("standard", s.string("features.scaler"));
        assertEquals(List.of("id", "record_id"), s.strings("features.id-columns"));
        assertEquals(List.of(), s.strings("features.columns"));
        assertEquals(List.of(), s.integers("model.hidden-sizes"));
        assertEquals(List.of("dt"), s.strings("score.partition-columns"));
        assertTrue(s.bool("input.csv.header"));
        assertEquals(",", s.string("input.csv.delimiter"));
        assertEquals(Map.of(), s.map("spark.conf"));
        assertTrue(s.render().contains("epochs"), s.render());
    }

    @Test
    void overridesReplaceNumbersAndStringsWithoutChangingTheOriginal() {
        Settings base = Settings.defaults();
        Settings s = base.with("train.epochs", "30", "model.learning-rate", "0.01", "threshold.method", "mean-std",
                "model.seed", "1234567890123", "input.csv.header", "false");
        assertEquals(30, s.integer("train.epochs"));
        assertEquals(0.01, s.number("model.learning-rate"), 0.0);
        assertEquals("mean-std", s.choice("threshold.method", "percentile", "mean-std"));
        assertEquals(1234567890123L, s.longValue("model.seed"));
        assertEquals(false, s.bool("input.csv.header"));
        assertEquals(20, base.integer("train.epochs"), "with(...) must return a copy");
    }

    @Test
    void listSettingsTakeCommaSeparatedValues() {
        Settings s = Settings.defaults().with(
                "model.hidden-sizes", "64,32,8",
                "features.columns", " temp , pressure,rpm ",
                "features.id-columns", "[a, b]");
        assertEquals(List.of(64, 32, 8), s.integers("model.hidden-sizes"));
        assertEquals(List.of("temp", "pressure", "rpm"), s.strings("features.columns"));
        assertEquals(List.of("a", "b"), s.strings("features.id-columns"));
        assertEquals(List.of("autoencoder", "vae"), Settings.defaults()
                .with("model.ensemble.members", "[\"autoencoder\", 'vae']").strings("model.ensemble.members"));

        Settings cleared = s.with("features.id-columns", "");
        assertEquals(List.of(), cleared.strings("features.id-columns"));
        assertEquals(List.of(16), Settings.defaults().with("model.hidden-sizes", "16").integers("model.hidden-sizes"));
    }

    @Test
    void mapOverloadAppliesEveryPair() {
        Settings s = Settings.defaults().with(Map.of("train.epochs", "4", "score.batch-size", "10"));
        assertEquals(4, s.integer("train.epochs"));
        assertEquals(10, s.integer("score.batch-size"));
    }

    @Test
    void sparkConfOverridesKeepTheirDottedNames() {
        Settings s = Settings.defaults().with("spark.conf.spark.sql.shuffle.partitions", "8",
                "spark.conf.spark.executor.memory", "2g");
        assertEquals(Map.of("spark.sql.shuffle.partitions", "8", "spark.executor.memory", "2g"), s.map("spark.conf"));
        assertEquals("local[*]", s.string("spark.master"));
    }

    @Test
    void oddNumberOfKeyValueArgumentsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().with("train.epochs"));
    }

    @Test
    void unknownKeyNamesTheKeyAndSuggestsACloseOne() {
        LakeadException e = assertThrows(LakeadException.class,
                () -> Settings.defaults().with("train.epochz", "3"));
        assertMessageContains(e, "'train.epochz'");

        LakeadException e2 = assertThrows(LakeadException.class, () -> Settings.defaults().with("epochs", "3"));
        assertMessageContains(e2, "'epochs'", "train.epochs");
    }

    @Test
    void badNumberNamesTheSetting() {
        Settings s = Settings.defaults().with("train.epochs", "lots");
        LakeadException e = assertThrows(LakeadException.class, () -> s.integer("train.epochs"));
        assertMessageContains(e, "'train.epochs'");

        Settings d = Settings.defaults().with("threshold.k", "three");
        LakeadException e2 = assertThrows(LakeadException.class, () -> d.number("threshold.k"));
        assertMessageContains(e2, "'threshold.k'");

        Settings l = Settings.defaults().with("model.hidden-sizes", "64,x");
        LakeadException e3 = assertThrows(LakeadException.class, () -> l.integers("model.hidden-sizes"));
        assertMessageContains(e3, "'model.hidden-sizes'");
    }

    @Test
    void positiveIntRejectsZeroNamingTheSetting() {
        Settings s = Settings.defaults().with("score.batch-size", "0");
        LakeadException e = assertThrows(LakeadException.class, () -> s.positiveInt("score.batch-size"));
        assertMessageContains(e, "'score.batch-size'", "positive");
    }

    @Test
    void requiredRejectsAnEmptyValueNamingTheSetting() {
        LakeadException e = assertThrows(LakeadException.class, () -> Settings.defaults().required("input.path"));
        assertMessageContains(e, "'input.path'");
        assertEquals("/data/x", Settings.defaults().with("input.path", "/data/x").required("input.path"));
    }

    @Test
    void choiceIsCaseInsensitiveAndRejectsOtherValuesNamingTheSetting() {
        assertEquals("mean-std", Settings.defaults().with("threshold.method", " Mean-STD ")
                .choice("threshold.method", "percentile", "mean-std"));
        Settings s = Settings.defaults().with("threshold.method", "median");
        LakeadException e = assertThrows(LakeadException.class,
                () -> s.choice("threshold.method", "percentile", "mean-std"));
        assertMessageContains(e, "'threshold.method'", "median", "percentile", "mean-std");
    }

    @Test
    void readingAnUnknownKeyNamesIt() {
        LakeadException e = assertThrows(LakeadException.class, () -> Settings.defaults().string("train.nope"));
        assertMessageContains(e, "'train.nope'");
    }

    @Test
    void configFileIsLayeredBetweenDefaultsAndOverrides() throws IOException {
        File f = confFile("job.conf", "lakead { train { epochs = 3 } }");
        Settings s = Settings.load(f, Map.of());
        assertEquals(3, s.integer("train.epochs"));
        assertEquals(128, s.integer("train.batch-size-per-worker"), "untouched settings keep their defaults");
        assertEquals("percentile", s.string("threshold.method"));

        Settings overridden = Settings.load(f, Map.of("train.epochs", "7"));
        assertEquals(7, overridden.integer("train.epochs"));

        assertEquals(20, Settings.load(null, null).integer("train.epochs"));
    }

    @Test
    void configFileAcceptsDottedKeysAndFreeFormSparkConf() throws IOException {
        File f = confFile("spark.conf", "lakead.model.hidden-sizes = [8, 4]\n"
                + "lakead.spark.conf { \"spark.sql.shuffle.partitions\" = \"8\" }\n");
        Settings s = Settings.load(f, Map.of());
        assertEquals(List.of(8, 4), s.integers("model.hidden-sizes"));
        assertEquals(Map.of("spark.sql.shuffle.partitions", "8"), s.map("spark.conf"));
    }

    @Test
    void unknownKeyInConfigFileIsRejectedNamingIt() throws IOException {
        File f = confFile("bad.conf", "lakead { train { epochs = 3, epochz = 4 } }");
        LakeadException e = assertThrows(LakeadException.class, () -> Settings.load(f, Map.of()));
        assertMessageContains(e, "train.epochz", f.getName());
    }

    @Test
    void missingOrMalformedConfigFileNamesTheFile() throws IOException {
        File missing = dir.resolve("nope.conf").toFile();
        LakeadException e = assertThrows(LakeadException.class, () -> Settings.load(missing, Map.of()));
        assertMessageContains(e, "nope.conf");

        File broken = confFile("broken.conf", "lakead { train { epochs = ");
        LakeadException e2 = assertThrows(LakeadException.class, () -> Settings.load(broken, Map.of()));
        assertMessageContains(e2, "broken.conf");
    }
}
