package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.io.InputAudit;
import dev.lakead.io.TableReader;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.models.ScoringSpec;
import dev.lakead.models.RecordScorer;
import dev.lakead.models.batch.UnusableValues;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.AdaptiveThreshold;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.lakead.io.ColumnRef.col;
import static dev.lakead.table.ScoreTable.IS_ANOMALY;
import static dev.lakead.table.ScoreTable.SCORE;
import static dev.lakead.table.ScoreTable.SCORE_NORMALIZED;
import static dev.lakead.table.ScoreTable.THRESHOLD;

/**
 * score: applies a bundle (preprocessing, network, threshold) to a whole table on the executors and writes one
 * row per input row to the partitioned score table.
 */
public final class ScoreStep {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreStep.class);

    private ScoreStep() {
    }

    /** @param threshold the threshold in force (the bundle's, or its score mode's with score.mode) */
    public record Result(String outputPath, String tableName, ModelBundle bundle, Threshold threshold,
                         InputAudit.Report audit, String runRecord) {
    }

    public static Result run(JobContext ctx) {
        Settings s = ctx.settings();
        ScoreConfig cfg = ScoreConfig.from(s);
        ModelBundle bundle = ctx.loadBundle();
        AnomalyModel model = bundle.model();
        Threshold threshold = bundle.threshold();
        String mode = cfg.mode();
        if (!mode.isEmpty() && !mode.equals(model.scoreMode())) {
            model = model.withScoreMode(mode);
            threshold = threshold.forScoreMode(mode);
        }
        LOG.info("Scoring with {} {} {} (threshold {})", bundle.metadata().modelType(), bundle.name(),
                bundle.version(), threshold.describe());
        TableReader.Table table = TableReader.read(ctx.spark(), s);
        List<String> features = bundle.pipeline().columns();
        ScoringSpec scoring = ModelFamilies.get(model.type()).scoring(s);
        // the input audit counted in the scoring pass where the scorer reads the raw rows, else a pass of its own
        UnusableValues counts = InputAudit.countableWhileScoring(table, s)
                ? UnusableValues.register(ctx.spark().sparkContext(), features.size()) : null;
        RecordScorer scorer = scoring.scorer(model, bundle.pipeline(), cfg.scoring().auditingInto(counts));
        InputAudit.Audited audited = scorer.audits() ? InputAudit.countedBy(counts, table, features, s)
                : InputAudit.audit(ctx.spark(), table, features, s, "the model's feature columns");
        TableReader.Table input = new TableReader.Table(audited.rows(), table.partitionColumns(), table.path(),
                table.source());
        List<String> partitions = cfg.partitionColumns();
        List<String> keys = new ArrayList<>(cfg.keyColumns());
        if (threshold.perSegment() && !keys.contains(threshold.segmentColumn())) {
            keys.add(threshold.segmentColumn()); // decides each record's threshold; kept in the output
        }
        java.util.Optional<ModelFamily.SeriesColumns> series = scoring.series();
        boolean adaptive = cfg.adaptive().on() && series.isPresent(); // an entity's records in time order
        if (adaptive) {
            for (String c : series.get().both()) {
                if (!keys.contains(c)) {
                    keys.add(c); // the online threshold follows each entity in time order; kept in the output
                }
            }
        }
        List<String> pass = passColumns(input.rows(), keys, partitions);

        Dataset<Row> scored = scorer.score(input.rows(), pass);
        Instant scoredAt = Instant.now();
        Dataset<Row> out = withDecision(scored, bundle, threshold, Timestamp.from(scoredAt), pass, partitions);
        if (adaptive) {
            out = adaptive(out, series.get(), cfg.adaptive());
        }

        String path = cfg.table().path();
        new ScoreTable(ctx.spark(), cfg.format(), cfg.table()).write(out, partitions);
        String record = ScoreRun.write(ctx.files(), path, scoredAt, bundle, threshold, s, audited.report());
        return new Result(path, cfg.table().name(), bundle, threshold, audited.report(), record);
    }

    /**
     * The decisions re-made by {@link AdaptiveThreshold} (setting threshold.adaptive.*): each entity's records in
     * time order, on the executors (one entity's records in one task, streamed, never collected); threshold,
     * is_anomaly and the normalised score become the adapted ones. The state starts afresh in every score run.
     */
    static Dataset<Row> adaptive(Dataset<Row> table, ModelFamily.SeriesColumns series, AdaptiveThreshold.Rule rule) {
        AdaptiveThreshold.validate(rule.halfLife(), rule.warmup());
        String entity = series.entity();
        String time = series.time();
        List<String> columns = Arrays.asList(table.columns());
        for (String c : List.of(entity, time)) {
            if (!columns.contains(c)) {
                throw new LakeadException("Setting 'threshold.adaptive.half-life' needs the score table to keep '" + c
                        + "' (timeseries.entity-column / time-column): add it to score.key-columns");
            }
        }
        StructType schema = table.schema();
        int e = schema.fieldIndex(entity);
        int sc = schema.fieldIndex(SCORE);
        int th = schema.fieldIndex(THRESHOLD);
        int an = schema.fieldIndex(IS_ANOMALY);
        int nz = schema.fieldIndex(SCORE_NORMALIZED);
        MapPartitionsFunction<Row, Row> stream = rows -> new Iterator<>() {
            private Object current;
            private AdaptiveThreshold state;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                Object key = r.get(e);
                if (state == null || !java.util.Objects.equals(key, current)) {
                    current = key;
                    state = rule.start();
                }
                if (r.isNullAt(sc) || r.isNullAt(th) || r.isNullAt(nz)) {
                    return r;
                }
                double factor = state.next(r.getDouble(nz));
                Object[] v = new Object[r.length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.get(i);
                }
                double t = r.getDouble(th) * factor;
                v[th] = t;
                v[an] = r.getDouble(sc) > t;
                v[nz] = ScoreTable.normalized(r.getDouble(sc), t);
                return RowFactory.create(v);
            }
        };
        return table.repartition(col(entity)).sortWithinPartitions(col(entity), col(time))
                .mapPartitions(stream, Encoders.row(schema));
    }

    /** Key columns then partition columns, each once; all must exist in the input. */
    static List<String> passColumns(Dataset<Row> input, List<String> keys, List<String> partitions) {
        Set<String> available = new LinkedHashSet<>(Arrays.asList(input.columns()));
        Set<String> pass = new LinkedHashSet<>();
        for (String k : keys) {
            if (!available.contains(k)) {
                throw new LakeadException("Key column '" + k + "' (setting 'score.key-columns') is not in the input;"
                        + " input columns: " + String.join(", ", available));
            }
            pass.add(k);
        }
        for (String p : partitions) {
            if (!available.contains(p)) {
                throw new LakeadException("Partition column '" + p + "' (setting 'score.partition-columns') is not"
                        + " in the input; input columns: " + String.join(", ", available));
            }
            pass.add(p);
        }
        return new ArrayList<>(pass);
    }

    /** The score table's rows ({@link ScoreTable#rows}) decided by the bundle's threshold or each entity's. */
    static Dataset<Row> withDecision(Dataset<Row> scored, ModelBundle bundle, Threshold modelThreshold,
                                     Timestamp scoredAt, List<String> pass, List<String> partitions) {
        // one threshold for the model, or each record's own one given by the model's scorer (per-entity models)
        boolean perRecord = Arrays.asList(scored.columns()).contains(RecordScorer.RECORD_THRESHOLD);
        Column threshold = perRecord ? col(RecordScorer.RECORD_THRESHOLD) : ScoreTable.thresholdColumn(modelThreshold);
        return ScoreTable.rows(scored, threshold, bundle.name(), bundle.version(), scoredAt,
                bundle.pipeline().columns(), pass, partitions);
    }
}
