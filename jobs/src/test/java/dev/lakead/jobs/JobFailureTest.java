package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.pipeline.JobContext;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees when a job fails: one line and an exit code, never a stack trace on the console. */
class JobFailureTest {

    /** A job whose work throws what the supplier gives (no Spark is started). */
    @Command(name = "failing")
    static final class FailingJob extends SparkJob {
        private final Supplier<Exception> failure;

        FailingJob(Supplier<Exception> failure) {
            this.failure = failure;
        }

        @Override
        protected int execute(Settings settings, PrintWriter out) {
            return JobFailureTest.<RuntimeException>sneakyThrow(failure.get());
        }

        @Override
        protected void run(JobContext ctx, PrintWriter out) {
        }
    }

    /** Throws a checked exception undeclared, as Spark's Scala code does with SparkException. */
    @SuppressWarnings("unchecked")
    static <E extends Exception> int sneakyThrow(Exception e) throws E {
        throw (E) e;
    }

    private static CliRun run(Supplier<Exception> failure) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FailingJob(failure));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute();
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void anUnexpectedFailureIsOneLineNamingTheJobAndTheLog() {
        CliRun r = run(() -> new IllegalStateException("executor lost\nsecond line of detail",
                new java.io.IOException("No space left on device")));
        assertEquals(SparkJob.UNEXPECTED_FAILURE, r.exitCode());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + r.err());
        assertTrue(line.startsWith("lakead failing: failed unexpectedly: IOException: No space left on device"), line);
        assertTrue(line.contains("driver's log"), line);
        assertFalse(r.err().contains("\tat "), "no stack trace on the console");
    }

    @Test
    void aUserErrorThrownInsideASparkTaskIsStillAUserError() {
        CliRun r = run(() -> new SparkException("Job aborted due to stage failure",
                new LakeadException("Column 'temp' holds 'abc', not a number (features.columns)")));
        assertEquals(SparkJob.USER_ERROR, r.exitCode());
        assertEquals("lakead failing: error: Column 'temp' holds 'abc', not a number (features.columns)",
                r.err().strip());
    }
}
