package dev.lakead.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A score run of a CSV with malformed lines: the rows the policy leaves, and the run's record of what it did. */
class ScoreRunRecordTest extends SparkTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Settings settings;

    @BeforeAll
    static void trainOnCleanRows() throws Exception {
        Random r = new Random(5);
        List<String> train = new ArrayList<>(List.of("id,a,b,c"));
        List<String> day = new ArrayList<>(List.of("id,a,b,c"));
        for (int i = 0; i < 200; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            String line = String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f", i, a, b, a + b);
            (i < 150 ? train : day).add(line);
        }
        day.addAll(List.of("900,oops,1.0,1.0", "901,1.0,1.0", "902,,1.0,1.0")); // 2 malformed, 1 missing value
        Files.write(tmp.resolve("train.csv"), train);
        Files.write(tmp.resolve("day.csv"), day);
        settings = fastSettings().with("input.format", "csv", "features.columns", "a,b,c", "features.id-columns", "id",
                "model.name", "csv", "model.hidden-sizes", "4,2", "train.epochs", "2",
                "score.key-columns", "id", "score.partition-columns", "", "score.table-name", "",
                "input.max-malformed-fraction", "0.05");
        PreprocessStep.Result prep = PreprocessStep.run(JobContext.of(spark,
                settings.with("input.path", tmp.resolve("train.csv").toString())));
        assertEquals(0, prep.audit().malformedRows());
        TrainStep.run(JobContext.of(spark, settings));
    }

    private static JsonNode record(ScoreStep.Result r) throws Exception {
        assertNotNull(r.runRecord());
        assertTrue(r.runRecord().startsWith(r.outputPath() + "/" + ScoreRun.DIR + "/"), r.runRecord());
        return JSON.readTree(new File(r.runRecord()));
    }

    @Test
    void dropLeavesTheMalformedAndIncompleteRowsOutAndRecordsIt() throws Exception {
        String out = path("scores-drop");
        ScoreStep.Result r = ScoreStep.run(JobContext.of(spark, settings.with("input.path",
                tmp.resolve("day.csv").toString(), "score.output-path", out, "input.malformed", "drop")));
        assertEquals(50, spark.read().parquet(out).count(), "the 50 good rows, not the 3 bad ones");
        JsonNode audit = record(r).get("input_audit");
        assertEquals("drop", audit.get("policy").asText());
        assertEquals(53, audit.get("rows_read").asLong());
        assertEquals(2, audit.get("malformed_rows").asLong());
        assertEquals(1, audit.get("rows_with_unusable_values").asLong());
        assertEquals(3, audit.get("dropped_rows").asLong());
        assertEquals(50, audit.get("rows_used").asLong());
        assertEquals(2, audit.get("unusable_values").get("a").asLong());
        assertEquals("csv", record(r).get("model_name").asText());
    }

    @Test
    void imputeScoresEveryRowAndRecordsWhichWereImputed() throws Exception {
        String out = path("scores-impute");
        ScoreStep.Result r = ScoreStep.run(JobContext.of(spark, settings.with("input.path",
                tmp.resolve("day.csv").toString(), "score.output-path", out)));
        assertEquals(53, spark.read().parquet(out).count(), "one row per input row; the run record is not read");
        assertEquals(53, spark.read().parquet(out).where("anomaly_score IS NOT NULL").count());
        JsonNode audit = record(r).get("input_audit");
        assertEquals("impute", audit.get("policy").asText());
        assertEquals(3, audit.get("imputed_rows").asLong());
        assertEquals(0, audit.get("dropped_rows").asLong());
        assertTrue(audit.get("malformed_examples").toString().contains("900,oops,1.0,1.0"), audit.toString());
    }

    /**
     * Parquet with input.malformed = impute: the audit is counted by the scorer in the scoring pass (no pass of its
     * own, so exactly one Spark job reads the input), with the same numbers an audit pass gives.
     */
    @Test
    void parquetIsAuditedInTheScoringPassItself() throws Exception {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("id", "int").add("a", "double").add("b", "double").add("c", "double");
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Double a = i == 3 ? null : i == 4 ? Double.NaN : i == 5 ? Double.POSITIVE_INFINITY : 0.1 * i;
            Double c = i == 5 || i == 6 ? null : 0.2;
            rows.add(org.apache.spark.sql.RowFactory.create(i, a, 0.5, c));
        }
        String in = path("day.parquet");
        spark.createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(in);
        String out = path("scores-parquet");
        Settings run = settings.with("input.format", "parquet", "input.path", in, "score.output-path", out);

        dev.lakead.io.TableReader.Table table = dev.lakead.io.TableReader.read(spark, run);
        assertTrue(dev.lakead.io.InputAudit.countableWhileScoring(table, run));
        assertTrue(!dev.lakead.io.InputAudit.countableWhileScoring(table, run.with("input.malformed", "drop")),
                "drop filters rows before the scorer reads them: audited first");
        // jobs started from InputAudit's own pass, as their stages' call sites tell
        java.util.concurrent.atomic.AtomicInteger auditPasses = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
                if (scala.collection.JavaConverters.seqAsJavaList(job.stageInfos()).stream()
                        .anyMatch(st -> st.details().contains("io.InputAudit.audit"))) {
                    auditPasses.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        ScoreStep.Result r;
        dev.lakead.io.InputAudit.Report pass;
        try {
            pass = dev.lakead.io.InputAudit.audit(spark, table, List.of("a", "b", "c"), run, "features").report();
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertTrue(auditPasses.get() > 0, "the listener sees an audit pass");
            auditPasses.set(0);
            r = ScoreStep.run(JobContext.of(spark, run));
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        assertEquals(40, spark.read().parquet(out).where("anomaly_score IS NOT NULL").count());
        JsonNode audit = record(r).get("input_audit");
        assertEquals(40, audit.get("rows_read").asLong());
        assertEquals(0, audit.get("malformed_rows").asLong());
        assertEquals(4, audit.get("rows_with_unusable_values").asLong());
        assertEquals(4, audit.get("imputed_rows").asLong());
        assertEquals(3, audit.get("unusable_values").get("a").asLong());
        assertEquals(0, audit.get("unusable_values").get("b").asLong());
        assertEquals(2, audit.get("unusable_values").get("c").asLong());
        assertEquals(pass.toMap().toString(), JSON.convertValue(audit, java.util.Map.class).toString(),
                "the same report as an audit pass");
        assertEquals(0, auditPasses.get(), "audit passes of the score step");
    }
}
