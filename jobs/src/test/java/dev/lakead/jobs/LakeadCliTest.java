package dev.lakead.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument parsing, help and validation: nothing here starts Spark. */
class LakeadCliTest {

    @Test
    void topLevelHelpListsEveryJobOnOneLineWithAWholeSentence() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        for (String job : new String[]{"preprocess", "train", "threshold", "score", "evaluate", "demo", "generate"}) {
            assertTrue(r.out().contains(job), "help lists " + job + ":\n" + r.out());
        }
        // the jobs section: one line per job, its name and the first line of its description, a whole sentence
        List<String> lines = r.out().lines().toList();
        List<String> jobLines = lines.subList(lines.indexOf("Commands:") + 1, lines.size()).stream()
                .takeWhile(l -> !l.isBlank()).toList();
        var jobs = LakeadCli.commandLine().getSubcommands();
        assertEquals(jobs.size(), jobLines.size(), "one line per job:\n" + r.out());
        for (var sub : jobs.entrySet()) {
            var usage = sub.getValue().getCommandSpec().usageMessage(); // picocli lists a header first, if any
            String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
            assertTrue(summary.matches("[A-Z][^.]*[a-z]\\."), sub.getKey() + ": a whole sentence: " + summary);
            assertTrue(jobLines.stream().anyMatch(l -> l.matches("\\s+" + Pattern.quote(sub.getKey()) + "\\s+"
                    + Pattern.quote(summary))), sub.getKey() + " and its summary on one line:\n" + r.out());
        }
        // the benchmarks are the bench module's (bench/README.md), not the operator's
        assertFalse(r.out().contains("bench"), r.out());
        assertFalse(jobs.keySet().stream().anyMatch(j -> j.startsWith("bench")), jobs.keySet().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"preprocess", "train", "threshold", "score", "evaluate", "demo", "generate"})
    void everyJobHasHelpWithTheCommonOptions(String job) {
        CliRun r = CliRun.of(job, "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--config") && r.out().contains("--set") && r.out().contains("--dry-run"),
                r.out());
        // the job's whole description, not only the summary that lakead --help shows
        String text = r.out().replaceAll("\\s+", " ");
        String[] description = LakeadCli.commandLine().getSubcommands().get(job).getCommandSpec().usageMessage()
                .description();
        assertTrue(description.length > 1, job);
        for (String line : description) {
            assertTrue(text.contains(line.replaceAll("\\s+", " ").trim()), job + ": " + line + "\n" + r.out());
        }
    }

    @Test
    void generateTakesADifficultyEasyByDefault() {
        picocli.CommandLine hard = LakeadCli.commandLine();
        hard.parseArgs("generate", "--output", "/lake", "--difficulty", "hard");
        assertEquals(dev.lakead.data.SyntheticSensorLake.Difficulty.HARD,
                ((GenerateJob) hard.getSubcommands().get("generate").getCommand()).spec().difficulty());
        picocli.CommandLine plain = LakeadCli.commandLine();
        plain.parseArgs("generate", "--output", "/lake");
        assertEquals(dev.lakead.data.SyntheticSensorLake.Difficulty.EASY,
                ((GenerateJob) plain.getSubcommands().get("generate").getCommand()).spec().difficulty());
        CliRun bad = CliRun.of("generate", "--output", "/lake", "--difficulty", "medium");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--difficulty") && bad.err().contains("medium"), bad.err());
    }

    @Test
    void dryRunValidatesAndPrintsTheEffectiveSettings() {
        CliRun r = CliRun.of("score", "--dry-run", "--input", "/data/readings", "--output", "/data/scores",
                "--model", "/models/sensors/v7", "--where", "dt = '2026-11-29'",
                "--set", "score.batch-size=1024", "--set", "score.key-columns=record_id,device_id");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("valid (dry run)"));
        assertTrue(r.out().contains("\"batch-size\" : 1024") || r.out().contains("\"batch-size\" : \"1024\""),
                r.out());
        assertTrue(r.out().contains("/data/readings"));
        assertTrue(r.out().contains("\"path\" : \"/models/sensors/v7\""), r.out());
        assertTrue(r.out().contains("dt = '2026-11-29'"), r.out());
    }

    @Test
    void unknownSettingIsRejectedByName() {
        CliRun r = CliRun.of("train", "--dry-run", "--set", "train.epoch=5", "--prepared", "/p");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unknown setting 'train.epoch'"), r.err());
        assertTrue(r.err().contains("train.epochs"), "suggests the right key: " + r.err());
    }

    @Test
    void badValueNamesTheSetting() {
        CliRun r = CliRun.of("train", "--dry-run", "--prepared", "/p", "--set", "train.epochs=many");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("train.epochs"), r.err());
    }

    @Test
    void badEnsembleSettingIsOneLineNamingIt() {
        CliRun r = CliRun.of("train", "--dry-run", "--prepared", "/p", "--set", "model.type=ensemble",
                "--set", "model.ensemble.members=autoencoder,lstm-ae");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'model.ensemble.members'") && r.err().contains("lstm-ae"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void missingRequiredSettingIsNamed() {
        CliRun r = CliRun.of("preprocess", "--dry-run", "--output", "/p");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("'input.path' is required"), r.err());
    }

    @Test
    void invalidChoiceIsNamed() {
        CliRun r = CliRun.of("preprocess", "--dry-run", "--input", "/in", "--output", "/p", "--scaler", "quantile");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("features.scaler") && r.err().contains("quantile"), r.err());
        assertEquals(0, CliRun.of("preprocess", "--dry-run", "--input", "/in", "--output", "/p", "--scaler", "robust")
                .exitCode()); // every scaler the README documents passes the job's own check
    }

    @Test
    void configFileIsLayeredAndItsUnknownKeysRejected(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        File good = dir.resolve("good.conf").toFile();
        Files.writeString(good.toPath(), "lakead { train { epochs = 3 }, prepared { path = \"/prep\" } }");
        CliRun ok = CliRun.of("train", "--dry-run", "--config", good.getPath());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("\"epochs\" : 3"), ok.out());

        File bad = dir.resolve("bad.conf").toFile();
        Files.writeString(bad.toPath(), "lakead { train { epoks = 3 } }");
        CliRun r = CliRun.of("train", "--dry-run", "--config", bad.getPath());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("train.epoks") && r.err().contains(bad.getPath()), r.err());
    }

    @Test
    void demoVaePresetIsLayeredOverTheDemoPreset() {
        CliRun r = CliRun.of("demo", "--dry-run", "--model-type", "vae");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sensor-vae") && r.out().contains("\"latent-export\" : \"columns\""), r.out());
        assertTrue(r.out().contains("\"key-columns\""), "demo.conf still applies: " + r.out());
        CliRun bad = CliRun.of("demo", "--dry-run", "--model-type", "gan");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--model-type"), bad.err());
    }

    @Test
    void demoAnoGanPresetAndTheScoreModeOption() {
        CliRun r = CliRun.of("demo", "--dry-run", "--model-type", "AnoGAN");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sensor-anogan") && r.out().contains("\"type\" : \"anogan\""), r.out());
        CliRun score = CliRun.of("score", "--dry-run", "--input", "/lake", "--score-mode", "encoder");
        assertEquals(0, score.exitCode(), score.err());
        assertTrue(score.out().contains("\"mode\" : \"encoder\""), score.out());
    }

    @Test
    void demoPresetComesFromConfDemoConf() {
        CliRun r = CliRun.of("demo", "--dry-run");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sensor-autoencoder"), r.out());
    }
}
