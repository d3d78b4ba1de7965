package dev.lakead.config;

import dev.lakead.LakeadException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --config from a URI, a local path or a shipped file; settings from spark.lakead.* properties. */
class ConfigLocationTest {
    @TempDir
    Path dir;

    private final Configuration hadoop = new Configuration();

    private Path conf(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Settings load(ConfigLocation.ConfigFile f) {
        return Settings.load(List.of(), f, Map.of());
    }

    @Test
    void aUriIsReadThroughItsFileSystem() throws IOException {
        Path f = conf("job.conf", "lakead.train.epochs = 3\n");
        ConfigLocation.ConfigFile read = ConfigLocation.read(f.toUri().toString(), hadoop, List.of());
        assertEquals(f.toUri().toString(), read.location());
        assertEquals(3, load(read).integer("train.epochs"));
    }

    @Test
    void aLocalPathKeepsHoconIncludesRelativeToTheFile() throws IOException {
        conf("base.conf", "lakead.train.epochs = 4\n");
        Path f = conf("job.conf", "include \"base.conf\"\nlakead.model.name = x\n");
        Settings s = load(ConfigLocation.read(f.toString(), hadoop, List.of()));
        assertEquals(4, s.integer("train.epochs"));
        assertEquals("x", s.string("model.name"));
    }

    @Test
    void aShippedFileIsFoundByItsNameAtTheUriItWasShippedFrom() throws IOException {
        Path f = conf("shipped-settings.conf", "lakead.train.epochs = 5\n");
        List<String> shipped = List.of("hdfs://nn:8020/other/a.conf", f.toUri().toString());
        // not in the working directory: only spark.files knows where it is
        assertTrue(Files.notExists(Path.of("shipped-settings.conf")));
        assertEquals(5, load(ConfigLocation.read("shipped-settings.conf", hadoop, shipped)).integer("train.epochs"));
        assertEquals("file:/x/y.conf", ConfigLocation.shippedAs("y.conf", List.of("local:/x/y.conf")));
        assertEquals("hdfs:/a/b.conf", ConfigLocation.shippedAs("alias.conf", List.of("hdfs:/a/b.conf#alias.conf")));
        assertNull(ConfigLocation.shippedAs("b.conf", List.of("hdfs:/a/b.conf#alias.conf")), "renamed by its alias");
        assertNull(ConfigLocation.shippedAs("sub/b.conf", List.of("hdfs:/sub/b.conf")));
    }

    @Test
    void aMissingFileIsNamedWithWhatToDo() {
        LakeadException local = assertThrows(LakeadException.class,
                () -> ConfigLocation.read("nope.conf", hadoop, List.of("hdfs://nn:8020/c/other.conf")));
        assertTrue(local.getMessage().startsWith("Config file nope.conf does not exist"), local.getMessage());
        assertTrue(local.getMessage().contains("hdfs://nn:8020/c/other.conf"), local.getMessage());
        assertTrue(local.getMessage().contains("give its URI"), local.getMessage());

        String uri = dir.resolve("gone.conf").toUri().toString();
        LakeadException remote = assertThrows(LakeadException.class, () -> ConfigLocation.read(uri, hadoop, List.of()));
        assertEquals("Config file " + uri + " does not exist", remote.getMessage());

        LakeadException scheme = assertThrows(LakeadException.class,
                () -> ConfigLocation.read("nosuchfs://host/a.conf", hadoop, List.of()));
        assertTrue(scheme.getMessage().startsWith("Config file nosuchfs://host/a.conf cannot be read: "),
                scheme.getMessage());
        assertTrue(scheme.getMessage().contains("nosuchfs"), scheme.getMessage());
    }

    @Test
    void malformedOrUnknownContentNamesTheUri() throws IOException {
        String broken = conf("broken.conf", "lakead { train { epochs = ").toUri().toString();
        LakeadException e = assertThrows(LakeadException.class, () -> ConfigLocation.read(broken, hadoop, List.of()));
        assertTrue(e.getMessage().startsWith("Config file " + broken + " cannot be read"), e.getMessage());

        String unknown = conf("unknown.conf", "lakead.train.epochz = 3").toUri().toString();
        LakeadException u = assertThrows(LakeadException.class,
                () -> load(ConfigLocation.read(unknown, hadoop, List.of())));
        assertTrue(u.getMessage().contains("'train.epochz'") && u.getMessage().contains(unknown), u.getMessage());
    }

    @Test
    void sparkPropertiesSetSettingsBetweenTheFileAndOverrides() throws IOException {
        Path f = conf("job.conf", "lakead.train.epochs = 3\nlakead.model.name = from-file\n");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spark.executor.memory", "4g"); // not ours: ignored
        props.put("spark.lakead.train.epochs", "9");
        props.put("spark.lakead.features.columns", "a,b");
        Settings s = load(ConfigLocation.read(f.toString(), hadoop, List.of())).withSparkProperties(props);
        assertEquals(9, s.integer("train.epochs"));
        assertEquals("from-file", s.string("model.name"));
        assertEquals(List.of("a", "b"), s.strings("features.columns"));
        assertEquals(11, s.withSparkProperties(props).with("train.epochs", "11").integer("train.epochs"));

        LakeadException e = assertThrows(LakeadException.class,
                () -> Settings.defaults().withSparkProperties(Map.of("spark.lakead.train.epochz", "1")));
        assertTrue(e.getMessage().startsWith("Unknown setting 'train.epochz'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(from --conf spark.lakead.train.epochz)"), e.getMessage());
    }
}
