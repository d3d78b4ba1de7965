package dev.lakead.bench;

import dev.lakead.LakeadException;
import dev.lakead.jobs.SettingKey;
import dev.lakead.jobs.SparkJob;
import dev.lakead.pipeline.JobContext;
import dev.lakead.scoring.RealtimeScorer;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency of the real-time scorer (a bundle loaded without Spark, scoring in process): per single record and per
 * micro-batch of 1,024, on records of the input table. Spark only reads the sample records.
 */
@Command(name = "bench-realtime", mixinStandardHelpOptions = true,
        description = {"Measure the real-time scorer's latency.",
                "Benchmark: real-time scorer latency per record and per batch of 1,024 (bundle loaded without",
                "Spark). Prints a table and a summary line."})
final class BenchRealtimeJob extends SparkJob {
    @SettingKey("model.path")
    @Option(names = "--model", paramLabel = "PATH", required = true, description = "Bundle directory.")
    String model;
    @SettingKey("input.path")
    @Option(names = "--input", paramLabel = "PATH", required = true, description = "Table with the feature columns.")
    String input;
    @Option(names = "--records", defaultValue = "5000", description = "Single-record calls timed. Default: ${DEFAULT-VALUE}.")
    int records;

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        long t0 = System.nanoTime();
        RealtimeScorer scorer = RealtimeScorer.load(model);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        List<Row> rows = ctx.spark().read().parquet(input).limit(Math.max(records, 1024)).collectAsList();
        if (rows.size() < 1024) {
            throw new LakeadException("The input needs at least 1,024 rows, has " + rows.size());
        }
        List<Map<String, Object>> sample = records(rows, scorer);
        for (int i = 0; i < 2000; i++) { // warm-up: JIT and ND4J
            scorer.score(sample.get(i % sample.size()));
        }
        long[] single = new long[records];
        long singleStart = System.nanoTime();
        for (int i = 0; i < records; i++) {
            long s = System.nanoTime();
            scorer.score(sample.get(i % sample.size()));
            single[i] = System.nanoTime() - s;
        }
        // throughput measured over the whole loop (records / wall time), not derived from a percentile
        double singleRate = records / ((System.nanoTime() - singleStart) / 1e9);
        List<Map<String, Object>> batch = sample.subList(0, 1024);
        for (int i = 0; i < 20; i++) {
            scorer.scoreBatch(batch);
        }
        long[] batches = new long[100];
        long batchStart = System.nanoTime();
        for (int i = 0; i < batches.length; i++) {
            long s = System.nanoTime();
            scorer.scoreBatch(batch);
            batches[i] = System.nanoTime() - s;
        }
        double batchRate = (double) batches.length * batch.size() / ((System.nanoTime() - batchStart) / 1e9);
        Arrays.sort(single);
        Arrays.sort(batches);
        double p50 = single[single.length / 2] / 1e3;
        double p99 = single[(int) (single.length * 0.99)] / 1e3;
        double b50 = batches[batches.length / 2] / 1e6;
        double b99 = batches[(int) (batches.length * 0.99)] / 1e6;
        out.printf("%n%-30s %12s %12s %14s%n", "real-time scorer", "p50", "p99", "records/s");
        out.printf(Locale.ROOT, "%-30s %9.1f us %9.1f us %14.0f%n", "one record per call", p50, p99, singleRate);
        out.printf(Locale.ROOT, "%-30s %9.2f ms %9.2f ms %14.0f%n", "batch of 1,024 per call", b50, b99,
                batchRate);
        out.printf(Locale.ROOT, "bundle %s: %d features, loaded without Spark in %.0f ms%n", model,
                scorer.featureColumns().size(), loadMs);
        out.printf(Locale.ROOT, "realtime p50_us=%.1f p99_us=%.1f batch1024_p50_ms=%.2f records_per_s=%.0f"
                + " batch1024_records_per_s=%.0f%n", p50, p99, b50, singleRate, batchRate);
        out.flush();
    }

    /** The rows as the real-time scorer takes records: the scorer's feature columns by name. */
    static List<Map<String, Object>> records(List<Row> rows, RealtimeScorer scorer) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new HashMap<>();
            for (String f : scorer.featureColumns()) {
                m.put(f, r.get(r.fieldIndex(f)));
            }
            records.add(m);
        }
        return records;
    }
}
