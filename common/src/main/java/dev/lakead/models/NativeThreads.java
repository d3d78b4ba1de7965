package dev.lakead.models;

import org.apache.spark.SparkConf;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many threads ND4J's OpenMP loops and its BLAS use in this JVM. Spark already runs one task per core, so each
 * task's native code should use the task's own cores ({@code spark.task.cpus}, 1 by default), not every core of the
 * machine: with ND4J's default (all cores per call) two tasks on two cores run four busy threads that keep evicting
 * each other: the network ran 1.4–2× slower (measured in bench/README.md, bench/perf.sh).
 */
public final class NativeThreads {
    private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);
    private static volatile int current = -1;

    private NativeThreads() {
    }

    /** Where the session carries the setting {@code spark.native-threads-per-task} for the executors. */
    public static final String SPARK_KEY = "spark.lakead.nativeThreadsPerTask";

    /** The threads per task for a Spark configuration: {@code setting} when positive, else spark.task.cpus. */
    public static int perTask(SparkConf conf, int setting) {
        return setting > 0 ? setting : Math.max(1, conf.getInt("spark.task.cpus", 1));
    }

    /** As {@link #perTask(SparkConf, int)} with the setting the session carries (0 when it was not built by us). */
    public static int perTask(SparkConf conf) {
        return perTask(conf, conf.getInt(SPARK_KEY, 0));
    }

    /** Sets the thread counts once per JVM (later calls with the same count are free). */
    public static void use(int threads) {
        if (threads <= 0 || current == threads) {
            return;
        }
        synchronized (NativeThreads.class) {
            if (current != threads) {
                Nd4j.getEnvironment().setMaxThreads(threads);
                Nd4j.getEnvironment().setMaxMasterThreads(threads);
                Nd4j.factory().blas().setMaxThreads(threads);
                LOG.info("ND4J native threads per task: {}", threads);
                current = threads;
            }
        }
    }
}
