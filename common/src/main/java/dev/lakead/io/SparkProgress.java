package dev.lakead.io;

import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Progress of a long step in the driver's log: while it is open, at most one line per interval (30 s by default)
 * for each running Spark stage — tasks done out of the stage's total, rows read so far, rows/s and an ETA — and a
 * closing line with the totals. Tasks that run for minutes (one entity's training, AnoGAN's latent search over a
 * partition) still get a line per interval. It also names the step's Spark jobs ({@code setJobDescription}), so the
 * Spark UI says what runs. One instance per step: {@code try (SparkProgress p = SparkProgress.start(spark, "score"))}.
 */
public final class SparkProgress extends SparkListener implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkProgress.class);
    public static final Duration INTERVAL = Duration.ofSeconds(30);

    private final SparkContext sc;
    private final String name;
    private final Consumer<String> out;
    private final long t0 = System.nanoTime();
    private final Map<Integer, Stage> running = new ConcurrentHashMap<>();
    private final AtomicInteger stagesDone = new AtomicInteger();
    private final AtomicLong tasksDone = new AtomicLong();
    private final AtomicLong rowsRead = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final String previousDescription;

    /** One running stage: its name, size, tasks done and rows its finished tasks read (input and shuffle). */
    private static final class Stage {
        final String name;
        final int tasks;
        final long started = System.nanoTime();
        final AtomicInteger done = new AtomicInteger();
        final AtomicLong rows = new AtomicLong();

        Stage(String name, int tasks) {
            this.name = name;
            this.tasks = tasks;
        }
    }

    private SparkProgress(SparkSession spark, String name, Duration interval, Consumer<String> out) {
        this.sc = spark.sparkContext();
        this.name = name;
        this.out = out;
        this.previousDescription = sc.getLocalProperty("spark.job.description");
        sc.setJobDescription(name);
        sc.addSparkListener(this);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lakead-progress");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        ticker.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts reporting the progress of the Spark jobs this thread runs, under this name, every 30 s. */
    public static SparkProgress start(SparkSession spark, String name) {
        return new SparkProgress(spark, name, INTERVAL, LOG::info);
    }

    /** As {@link #start(SparkSession, String)} with another interval and destination of the lines (tests). */
    public static SparkProgress start(SparkSession spark, String name, Duration interval, Consumer<String> out) {
        return new SparkProgress(spark, name, interval, out);
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        running.put(event.stageInfo().stageId(), new Stage(event.stageInfo().name(), event.stageInfo().numTasks()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Stage stage = running.get(event.stageId());
        long rows = rowsOf(event.taskMetrics());
        rowsRead.addAndGet(rows);
        tasksDone.incrementAndGet();
        if (stage != null) {
            stage.done.incrementAndGet();
            stage.rows.addAndGet(rows);
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        if (running.remove(event.stageInfo().stageId()) != null) {
            stagesDone.incrementAndGet();
        }
    }

    private static long rowsOf(TaskMetrics m) {
        return m == null ? 0 : m.inputMetrics().recordsRead() + m.shuffleReadMetrics().recordsRead();
    }

    /** One line per running stage (called by the ticker). */
    private void report() {
        for (Stage s : running.values()) {
            double seconds = (System.nanoTime() - s.started) / 1e9;
            int done = s.done.get();
            String eta = done == 0 ? "ETA unknown until a task ends"
                    : "ETA " + duration(seconds * (s.tasks - done) / done);
            out.accept(String.format(Locale.ROOT, "%s: stage '%s' %d/%d tasks, %,d rows in %s (%,.0f rows/s), %s",
                    name, s.name, done, s.tasks, s.rows.get(), duration(seconds), s.rows.get() / Math.max(1e-9,
                            seconds), eta));
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            sc.listenerBus().waitUntilEmpty(10_000); // the last tasks' events arrive after the action returns
        } catch (Exception busy) {
            // a crowded listener bus: the totals may miss the last tasks; they are a log line, not a result
        }
        sc.removeSparkListener(this);
        sc.setJobDescription(previousDescription);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.accept(String.format(Locale.ROOT, "%s: done in %s: %d stages, %d tasks, %,d rows read (%,.0f rows/s)",
                name, duration(seconds), stagesDone.get(), tasksDone.get(), rowsRead.get(),
                rowsRead.get() / Math.max(1e-9, seconds)));
    }

    /** "42 s", "3 min 5 s", "2 h 7 min". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
