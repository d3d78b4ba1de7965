package dev.lakead.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks of a job run from its command line that the jobs and bench tests share (lakead-common's test fixture,
 * common/pom.xml).
 */
public final class JobChecks {
    private JobChecks() {
    }

    /**
     * A user error as a bad input must give: exit code 2, one line on stderr starting "lakead JOB: error:" and
     * naming the culprit, no stack trace, and none of {@code notWritten} written.
     */
    public static void assertBadInput(int exitCode, String out, String err, String job, String names,
                                      Path... notWritten) {
        String context = "out:\n" + out + "\nerr:\n" + err;
        assertEquals(2, exitCode, context);
        String line = err.strip();
        assertEquals(1, line.lines().count(), "one line: " + context);
        assertTrue(line.startsWith("lakead " + job + ": error: "), context);
        assertTrue(line.contains(names), "names " + names + ": " + line);
        assertFalse(err.contains("\tat ") || out.contains("\tat "), "no stack trace: " + context);
        for (Path p : notWritten) {
            assertFalse(Files.exists(p), p + " must not be written: " + context);
        }
    }

    /** Copies the bundle (any folder) to {@code copy} and truncates the copy's {@code file} to half its size. */
    public static Path corruptedCopy(Path bundle, Path copy, String file) throws IOException {
        try (Stream<Path> all = Files.walk(bundle)) {
            for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
                Path target = copy.resolve(bundle.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(copy.resolve(file).toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        return copy;
    }
}
