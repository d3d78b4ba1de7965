package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.io.TableReader;
import dev.lakead.thresholds.Threshold;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The score table, the one place that knows it: its column names and schema, where it lives (the score job's
 * {@code score.output-path}, which the other jobs read unless their own {@code *.scores-path} names another),
 * reading it with a filter, writing it (the partitions scored are replaced as a whole) and re-labelling it with a new
 * threshold. The format-specific part is a {@link TableFormat} ({@code score.table-format}).
 * <p>
 * One row per scored record: the key columns, {@value #SCORE}, {@value #IS_ANOMALY}, {@value #THRESHOLD},
 * {@value #SCORE_NORMALIZED}, {@value #MODEL_NAME}, {@value #MODEL_VERSION}, {@value #SCORED_AT}, optionally the
 * latent code ({@value #LATENT} or {@value #LATENT}_i) and {@value #FEATURE_ERRORS}, then the partition columns.
 */
public final class ScoreTable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreTable.class);

    /** The model's anomaly score: higher is more anomalous. */
    public static final String SCORE = "anomaly_score";
    /** The decision: score above the record's threshold. */
    public static final String IS_ANOMALY = "is_anomaly";
    /** The threshold that decided the record (global, its segment's or its entity's). */
    public static final String THRESHOLD = "threshold";
    /**
     * The score divided by the threshold that decided it (the record's entity or segment threshold, else the
     * global one): 1 is the decision boundary whatever the model or entity, so SQL can rank records, set alert
     * levels and draw one ROC across entities whose raw scores live on different scales. Null when the threshold
     * is 0.
     */
    public static final String SCORE_NORMALIZED = "anomaly_score_normalized";
    public static final String MODEL_NAME = "model_name";
    public static final String MODEL_VERSION = "model_version";
    public static final String SCORED_AT = "scored_at";
    /** The latent code: one vector column, or {@code latent_0, latent_1, ...}. */
    public static final String LATENT = "latent";
    /** Per-feature reconstruction errors: feature name → error in the table (an array while scoring). */
    public static final String FEATURE_ERRORS = "feature_errors";

    /** The score job's settings of the table. */
    public static final String OUTPUT_PATH = "score.output-path";
    public static final String TABLE_NAME = "score.table-name";

    private final SparkSession spark;
    private final TableFormat format;
    private final TableLocation location;

    public ScoreTable(SparkSession spark, TableFormat format, TableLocation location) {
        this.spark = spark;
        this.format = format;
        this.location = location;
    }

    /** The score job's table: score.output-path (required), score.table-name, score.table-format. */
    public static TableLocation output(Settings s) {
        return new TableLocation(s.required(OUTPUT_PATH), s.string(TABLE_NAME), OUTPUT_PATH, TABLE_NAME);
    }

    /**
     * The table a reading job uses: the path in its own setting {@code pathKey} (e.g. monitor.scores-path), else
     * the score job's table (score.output-path, required then, and score.table-name, by which an Iceberg table is
     * found).
     */
    public static TableLocation input(Settings s, String pathKey) {
        String own = s.string(pathKey);
        return own.isBlank() ? scoreJobs(s, s.required(OUTPUT_PATH), pathKey) : TableLocation.at(own, pathKey);
    }

    /** The score job's table as a reader sees it: errors about the path name the reader's own setting. */
    private static TableLocation scoreJobs(Settings s, String path, String pathKey) {
        return new TableLocation(path, s.string(TABLE_NAME), pathKey, TABLE_NAME);
    }

    /** {@link #input(Settings, String)}, or null when neither setting names a table. */
    public static TableLocation optionalInput(Settings s, String pathKey) {
        String own = s.string(pathKey);
        if (own.isBlank()) {
            return s.string(OUTPUT_PATH).isBlank() ? null : scoreJobs(s, s.string(OUTPUT_PATH), pathKey);
        }
        return TableLocation.at(own, pathKey);
    }

    /** The table at {@code location} in the format of {@code score.table-format}. */
    public static ScoreTable at(SparkSession spark, Settings s, TableLocation location) {
        return new ScoreTable(spark, TableFormats.from(s), location);
    }

    public TableLocation location() {
        return location;
    }

    public String path() {
        return location.path();
    }

    /** The table as reports and logs name it (an Iceberg table by its catalog name, others by their directory). */
    public String describe() {
        return format.describe(spark, location);
    }

    public TableFormat format() {
        return format;
    }

    public boolean exists() {
        return format.exists(spark, location);
    }

    public Dataset<Row> read() {
        return format.read(spark, location);
    }

    /** The rows matching {@code where}; fails naming its setting when it is not a valid filter on the table. */
    public Dataset<Row> read(TableFilter where) {
        return filter(read(), where);
    }

    /** {@code rows} (read from this table) filtered, the error naming the filter's setting. */
    public Dataset<Row> filter(Dataset<Row> rows, TableFilter where) {
        return TableReader.filtered(rows, where.expression(), where.setting(), location.path());
    }

    public List<String> partitionColumns() {
        return format.partitionColumns(spark, location);
    }

    /** The rows of one model. */
    public static Column ofModel(String modelName) {
        return col(MODEL_NAME).equalTo(modelName);
    }

    /** Replaces the partitions present in {@code rows} (score.partition-columns), registers the catalog name. */
    public void write(Dataset<Row> rows, List<String> partitionColumns) {
        List<String> columns = Arrays.asList(rows.columns());
        for (String p : partitionColumns) {
            if (!columns.contains(p)) {
                throw new LakeadException("Partition column '" + p + "' (setting 'score.partition-columns') is not a"
                        + " column of the input; input columns: " + String.join(", ", columns));
            }
        }
        format.replacePartitions(rows, location, partitionColumns);
        LOG.info("Score table written to {} (partitioned by {})", location.path(), partitionColumns);
    }

    /** What a re-label did: rows rewritten, and decisions of the model that changed. */
    public record Relabelled(long rows, long changedDecisions) {
    }

    /**
     * Re-labels the model's rows matching {@code where} with a new threshold: threshold, is_anomaly and the
     * normalised score recomputed from the stored score (no rescoring); other models' rows keep theirs.
     */
    public Relabelled relabel(TableFilter where, String modelName, Threshold threshold) {
        Column ours = ofModel(modelName);
        Column newThreshold = thresholdColumn(threshold);
        long changed = read(where).where(ours.and(col(IS_ANOMALY).notEqual(col(SCORE).gt(newThreshold)))).count();
        Column t = functions.when(ours, newThreshold).otherwise(col(THRESHOLD));
        Map<String, Column> set = new LinkedHashMap<>();
        set.put(IS_ANOMALY, functions.when(ours, col(SCORE).gt(t)).otherwise(col(IS_ANOMALY)));
        set.put(THRESHOLD, t);
        if (Arrays.asList(read().columns()).contains(SCORE_NORMALIZED)) {
            set.put(SCORE_NORMALIZED, normalized(col(SCORE), t));
        }
        long rows = format.update(spark, location, where, set);
        LOG.info("Re-labelled {} rows of {} ({} decisions changed)", rows, location.path(), changed);
        return new Relabelled(rows, changed);
    }

    /**
     * The score table's rows from scored records: the key columns ({@code pass} without partitions), the score,
     * the decision by {@code threshold}, the threshold, the normalised score and the model's identity, the latent
     * code and feature errors when the records have them, then the partition columns.
     *
     * @param features the model's feature names, in the order of the {@value #FEATURE_ERRORS} array
     */
    public static Dataset<Row> rows(Dataset<Row> scored, Column threshold, String modelName, String modelVersion,
                                    Timestamp scoredAt, List<String> features, List<String> pass,
                                    List<String> partitions) {
        List<Column> cols = new ArrayList<>();
        for (String c : pass) {
            if (!partitions.contains(c)) {
                cols.add(col(c));
            }
        }
        cols.add(col(SCORE));
        cols.add(decision(col(SCORE), threshold).as(IS_ANOMALY));
        cols.add(threshold.as(THRESHOLD));
        cols.add(normalized(col(SCORE), threshold).as(SCORE_NORMALIZED));
        cols.add(lit(modelName).as(MODEL_NAME));
        cols.add(lit(modelVersion).as(MODEL_VERSION));
        cols.add(lit(scoredAt).as(SCORED_AT));
        for (String c : scored.columns()) {
            if (c.startsWith(LATENT) && !pass.contains(c)) {
                cols.add(col(c));
            }
        }
        if (Arrays.asList(scored.columns()).contains(FEATURE_ERRORS)) {
            cols.add(featureErrorMap(col(FEATURE_ERRORS), features).as(FEATURE_ERRORS));
        }
        for (String p : partitions) {
            cols.add(col(p));
        }
        return scored.select(cols.toArray(new Column[0]));
    }

    /** A record's decision: flagged when its score is above its threshold. */
    public static Column decision(Column score, Column threshold) {
        return score.gt(threshold);
    }

    /** The per-feature errors array as feature name → error, so that SQL can ask feature_errors['Pressure']. */
    public static Column featureErrorMap(Column errors, List<String> features) {
        Column names = functions.array(features.stream().map(functions::lit).toArray(Column[]::new));
        return functions.map_from_arrays(names, errors);
    }

    /** The global threshold, or each record's segment threshold (the global one for segments without one). */
    public static Column thresholdColumn(Threshold t) {
        if (!t.perSegment() || t.segments().isEmpty()) {
            return lit(t.value());
        }
        List<Column> kv = new ArrayList<>();
        t.segments().forEach((k, v) -> {
            kv.add(lit(k));
            kv.add(lit(v));
        });
        Column bySegment = functions.map(kv.toArray(new Column[0]));
        return functions.coalesce(functions.element_at(bySegment, col(t.segmentColumn()).cast("string")),
                lit(t.value()));
    }

    /**
     * The score in units of its threshold: score ÷ threshold for a positive threshold, and in general
     * 1 + (score − threshold) ÷ |threshold|, so that it rises with the score and is above 1 exactly when the record
     * is flagged even where scores and thresholds are negative (a VAE's Gaussian log-likelihood); null for a zero
     * threshold.
     */
    public static Column normalized(Column score, Column threshold) {
        return functions.when(threshold.notEqual(0),
                lit(1.0).plus(score.minus(threshold).divide(functions.abs(threshold))));
    }

    /** {@link #normalized(Column, Column)} for one value. */
    public static Double normalized(double score, double threshold) {
        return threshold != 0 ? 1.0 + (score - threshold) / Math.abs(threshold) : null;
    }
}
