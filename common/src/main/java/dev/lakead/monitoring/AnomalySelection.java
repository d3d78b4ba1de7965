package dev.lakead.monitoring;

import dev.lakead.LakeadException;
import dev.lakead.models.batch.BatchScorer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The Spark side of the monitor, all on the executors: the records at or above the lowest alert level, each with
 * its level, event time, score / threshold ratio and top features; their grouping into episodes (records of the
 * same model and dedup key less than the dedup window apart, found with window functions) and each episode's
 * deterministic alert id. The driver only gets counts and at most a bounded number of episodes.
 */
public final class AnomalySelection {
    public static final String SCORE = BatchScorer.SCORE;
    public static final String THRESHOLD = "threshold";
    public static final String MODEL_NAME = "model_name";
    public static final String MODEL_VERSION = "model_version";
    public static final String SCORED_AT = "scored_at";
    public static final String FEATURE_ERRORS = BatchScorer.FEATURE_ERRORS;
    /** Log partition of score tables without partition columns: the score run (scored_at in microseconds). */
    public static final String RUN_PARTITION = "scored_run";

    private static final String LEVEL = "__m_level";
    private static final String TIME = "__m_time";
    private static final String RATIO = "__m_ratio";
    private static final String TOP = "__m_top";
    private static final String EPISODE = "__m_episode";
    private static final String START = "__m_start";
    private static final String END = "__m_end";
    private static final String COUNT = "__m_count";
    private static final String MAX_LEVEL = "__m_max_level";
    private static final String RANK = "__m_rank";
    private static final String ID = "__m_alert_id";
    private static final String SEP = "\u001f";

    /** Counts over the rows examined (one pass over the filtered score table). */
    public record TableStats(long records, Instant maxScoredAt) {
    }

    private final Dataset<Row> table;
    private final Dataset<Row> records;
    private final SeverityLadder ladder;
    private final List<String> keys;
    private final List<String> partitions;
    private final List<String> dedup;

    private AnomalySelection(Dataset<Row> table, Dataset<Row> records, SeverityLadder ladder, List<String> keys,
                             List<String> partitions, List<String> dedup) {
        this.table = table;
        this.records = records;
        this.ladder = ladder;
        this.keys = keys;
        this.partitions = partitions;
        this.dedup = dedup;
    }

    /**
     * @param table      the score table rows to examine (already filtered)
     * @param keys       record key columns shown in alerts
     * @param partitions the score table's partition columns
     */
    public static AnomalySelection of(Dataset<Row> table, MonitorConfig cfg, List<String> keys,
                                      List<String> partitions) {
        List<String> columns = Arrays.asList(table.columns());
        for (String c : List.of(SCORE, THRESHOLD, MODEL_NAME, MODEL_VERSION, SCORED_AT)) {
            require(columns, c, "the score table (written by the score job)");
        }
        keys.forEach(k -> require(columns, k, "setting 'monitor.key-columns' / 'score.key-columns'"));
        List<String> dedup = cfg.dedupColumns().isEmpty() ? keys : cfg.dedupColumns();
        dedup.forEach(k -> require(columns, k, "setting 'monitor.dedup.key-columns'"));
        if (!cfg.timeColumn().isEmpty()) {
            require(columns, cfg.timeColumn(), "setting 'monitor.dedup.time-column'");
        }
        Column score = col(SCORE);
        Column thr = col(THRESHOLD);
        Column level = lit(-1);
        for (SeverityLadder.Level l : cfg.ladder().levels()) { // the highest level ends up tested first
            level = when(score.gt(thr.multiply(l.multiple())), lit(l.rank())).otherwise(level);
        }
        Column time = cfg.timeColumn().isEmpty() ? col(SCORED_AT) : col(cfg.timeColumn()).cast("timestamp");
        Column top = topFeatures(table, cfg.topFeatures());

        Dataset<Row> flagged = table
                .where(score.isNotNull().and(functions.not(functions.isnan(score)))
                        .and(thr.isNotNull()).and(functions.not(functions.isnan(thr))))
                .withColumn(LEVEL, level)
                .where(col(LEVEL).geq(0))
                .withColumn(TIME, functions.coalesce(time, col(SCORED_AT)))
                .withColumn(RATIO, when(thr.gt(0), score.divide(thr)))
                .withColumn(TOP, top);

        // episodes: per model and dedup key in time order, a gap above the window starts a new one
        List<Column> group = new ArrayList<>();
        group.add(col(MODEL_NAME));
        dedup.forEach(d -> group.add(col(d)));
        List<Column> order = new ArrayList<>();
        order.add(col(TIME));
        keys.forEach(k -> order.add(col(k)));
        partitions.forEach(p -> order.add(col(p)));
        WindowSpec byKey = Window.partitionBy(group.toArray(new Column[0])).orderBy(order.toArray(new Column[0]));
        long windowMicros = cfg.window().toNanos() / 1000;
        Column prev = functions.lag(col(TIME), 1).over(byKey);
        Column isNew = cfg.window().isZero() ? lit(1)
                : when(prev.isNull().or(functions.unix_micros(col(TIME)).minus(functions.unix_micros(prev))
                .gt(windowMicros)), lit(1)).otherwise(lit(0));
        Dataset<Row> episodes = flagged.withColumn(EPISODE, functions.sum(isNew)
                .over(byKey.rowsBetween(Window.unboundedPreceding(), Window.currentRow())));

        List<Column> episodeGroup = new ArrayList<>(group);
        episodeGroup.add(col(EPISODE));
        WindowSpec byEpisode = Window.partitionBy(episodeGroup.toArray(new Column[0]));
        List<Column> startFields = new ArrayList<>();
        startFields.add(col(TIME).as("t"));
        for (int i = 0; i < keys.size(); i++) {
            startFields.add(col(keys.get(i)).as("k" + i));
        }
        for (int i = 0; i < partitions.size(); i++) {
            startFields.add(col(partitions.get(i)).as("p" + i));
        }
        List<Column> repOrder = new ArrayList<>(List.of(col(LEVEL).desc(), col(RATIO).desc_nulls_last(),
                col(SCORE).desc(), col(TIME).asc()));
        keys.forEach(k -> repOrder.add(col(k).asc()));
        partitions.forEach(p -> repOrder.add(col(p).asc()));
        Dataset<Row> withEpisode = episodes
                .withColumn(START, functions.min(functions.struct(startFields.toArray(new Column[0]))).over(byEpisode))
                .withColumn(END, functions.max(col(TIME)).over(byEpisode))
                .withColumn(COUNT, functions.count(lit(1)).over(byEpisode))
                .withColumn(MAX_LEVEL, functions.max(col(LEVEL)).over(byEpisode))
                .withColumn(RANK, functions.row_number().over(byEpisode.orderBy(repOrder.toArray(new Column[0]))));

        // alert id: model, severity, dedup key, and the episode's first record (event time, keys, partition)
        Map<String, DataType> types = new LinkedHashMap<>();
        for (StructField f : table.schema().fields()) {
            types.put(f.name(), f.dataType());
        }
        List<Column> idParts = new ArrayList<>();
        idParts.add(stable(col(MODEL_NAME), DataTypes.StringType));
        idParts.add(functions.element_at(levelNames(cfg.ladder()), col(MAX_LEVEL).plus(1)));
        dedup.forEach(d -> idParts.add(stable(col(d), types.get(d))));
        if (!cfg.timeColumn().isEmpty()) { // an event time is data; scored_at would change with every rescoring
            idParts.add(stable(col(START).getField("t"), DataTypes.TimestampType));
        }
        for (int i = 0; i < keys.size(); i++) {
            idParts.add(stable(col(START).getField("k" + i), types.get(keys.get(i))));
        }
        for (int i = 0; i < partitions.size(); i++) {
            idParts.add(stable(col(START).getField("p" + i), types.get(partitions.get(i))));
        }
        Column id = functions.concat(lit("a-"), functions.substring(
                functions.sha2(functions.concat_ws(SEP, idParts.toArray(new Column[0])), 256), 1, 32));
        Dataset<Row> records = withEpisode.withColumn(ID, id).persist(StorageLevel.MEMORY_AND_DISK());
        return new AnomalySelection(table, records, cfg.ladder(), keys, partitions, dedup);
    }

    /** A column as a text that does not depend on the session time zone (timestamps as epoch microseconds). */
    private static Column stable(Column c, DataType type) {
        Column text = DataTypes.TimestampType.equals(type) || DataTypes.TimestampNTZType.equals(type)
                ? functions.unix_micros(c.cast("timestamp")).cast("string") : c.cast("string");
        return functions.coalesce(text, lit("\u2205"));
    }

    private static Column levelNames(SeverityLadder ladder) {
        return functions.array(ladder.levels().stream().map(l -> lit(l.name())).toArray(Column[]::new));
    }

    /** The n largest feature errors as array of {feature, error}, or null without a feature_errors map. */
    private static Column topFeatures(Dataset<Row> table, int n) {
        boolean has = Arrays.stream(table.schema().fields())
                .anyMatch(f -> f.name().equals(FEATURE_ERRORS) && f.dataType() instanceof MapType);
        if (!has || n == 0) {
            return functions.expr("CAST(NULL AS ARRAY<STRUCT<feature: STRING, error: DOUBLE>>)");
        }
        return functions.expr("transform(slice(sort_array(transform(filter(map_entries(" + FEATURE_ERRORS
                + "), e -> e.value IS NOT NULL AND NOT isnan(e.value)), e -> named_struct('error', CAST(e.value AS"
                + " DOUBLE), 'feature', CAST(e.key AS STRING))), false), 1, " + n
                + "), x -> named_struct('feature', x.feature, 'error', x.error))");
    }

    private static void require(List<String> columns, String c, String where) {
        if (!columns.contains(c)) {
            throw new LakeadException("Column '" + c + "' (" + where + ") is not in the score table; its columns: "
                    + String.join(", ", columns));
        }
    }

    /** Rows examined and their latest scored_at (the next watermark). */
    public TableStats tableStats() {
        Row r = table.agg(functions.count(lit(1)), functions.max(col(SCORED_AT))).first();
        Timestamp max = r.isNullAt(1) ? null : r.getTimestamp(1);
        return new TableStats(r.getLong(0), max == null ? null : max.toInstant());
    }

    /** Anomalous records (at or above the lowest level) by level name, lowest level first. */
    public Map<String, Long> recordsBySeverity() {
        return bySeverity(records);
    }

    /** Episodes (alert candidates) by level name, lowest level first. */
    public Map<String, Long> episodesBySeverity() {
        return bySeverity(episodes().withColumn(LEVEL, col(MAX_LEVEL)));
    }

    private Map<String, Long> bySeverity(Dataset<Row> rows) {
        Map<Integer, Long> byRank = new TreeMap<>();
        for (Row r : rows.groupBy(col(LEVEL)).count().collectAsList()) {
            byRank.put(r.getInt(0), r.getLong(1));
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (SeverityLadder.Level l : ladder.levels()) {
            out.put(l.name(), byRank.getOrDefault(l.rank(), 0L));
        }
        return out;
    }

    private Dataset<Row> episodes() {
        return records.where(col(RANK).equalTo(1));
    }

    /** The n most severe episodes (highest level, then score / threshold, then score, then id) as alerts. */
    public List<Alert> top(int n) {
        if (n <= 0) {
            return List.of();
        }
        List<Row> rows = episodes()
                .orderBy(col(MAX_LEVEL).desc(), col(RATIO).desc_nulls_last(), col(SCORE).desc(), col(ID).asc())
                .limit(n).collectAsList();
        List<Alert> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(toAlert(r));
        }
        return out;
    }

    /** Distinct partitions with anomalous records, "dt=2026-11-06" (several columns comma-joined), sorted. */
    public List<String> partitions(int max) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Column[] cols = partitions.stream().map(dev.lakead.io.ColumnRef::col).toArray(Column[]::new);
        List<String> out = new ArrayList<>();
        for (Row r : records.select(cols).distinct().orderBy(cols).limit(max).collectAsList()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < partitions.size(); i++) {
                parts.add(partitions.get(i) + "=" + value(r.get(i)));
            }
            out.add(String.join(",", parts));
        }
        return out;
    }

    /**
     * Writes the anomaly log: JSON lines, one per anomalous record, partitioned like the score table (or by score
     * run), replacing the partitions written (so a rerun does not duplicate lines).
     */
    public void writeLog(String path) {
        List<Column> fields = new ArrayList<>();
        fields.add(col(TIME).as("time"));
        if (!keys.isEmpty()) {
            fields.add(functions.struct(keys.stream().map(k -> col(k).as(k)).toArray(Column[]::new)).as("keys"));
        }
        if (!partitions.isEmpty()) {
            fields.add(functions.struct(partitions.stream().map(p -> col(p).as(p)).toArray(Column[]::new))
                    .as("partition"));
        }
        fields.add(col(SCORE).as("score"));
        fields.add(col(THRESHOLD).as("threshold"));
        fields.add(col(RATIO).as("ratio"));
        fields.add(functions.element_at(levelNames(ladder), col(LEVEL).plus(1)).as("severity"));
        fields.add(functions.struct(col(MODEL_NAME).as("name"), col(MODEL_VERSION).as("version")).as("model"));
        fields.add(col(SCORED_AT).as("scored_at"));
        fields.add(col(TOP).as("top_features"));
        fields.add(col(ID).as("alert_id"));
        Map<String, String> options = Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'",
                "timeZone", "UTC");
        List<Column> out = new ArrayList<>();
        out.add(functions.to_json(functions.struct(fields.toArray(new Column[0])), options).as("value"));
        List<String> logPartitions = partitions.isEmpty() ? List.of(RUN_PARTITION) : partitions;
        if (partitions.isEmpty()) {
            out.add(functions.unix_micros(col(SCORED_AT)).as(RUN_PARTITION));
        } else {
            partitions.forEach(p -> out.add(col(p)));
        }
        records.select(out.toArray(new Column[0])).write()
                .mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(logPartitions.toArray(new String[0]))
                .text(path);
    }

    public void release() {
        records.unpersist();
    }

    private Alert toAlert(Row r) {
        Row start = r.getAs(START);
        Map<String, Object> keyValues = values(r, keys);
        Map<String, Object> dedupValues = values(r, dedup);
        Map<String, Object> partitionValues = values(r, partitions);
        List<Alert.FeatureError> features = new ArrayList<>();
        int topIdx = r.fieldIndex(TOP);
        if (!r.isNullAt(topIdx)) {
            for (Row f : r.<Row>getList(topIdx)) {
                features.add(new Alert.FeatureError(f.getString(0), f.getDouble(1)));
            }
        }
        int rank = r.<Integer>getAs(MAX_LEVEL);
        Double ratio = r.isNullAt(r.fieldIndex(RATIO)) ? null : r.<Double>getAs(RATIO);
        Timestamp scoredAt = r.getAs(SCORED_AT);
        return new Alert(r.getAs(ID), Alert.Kind.ANOMALY, ladder.byRank(rank).name(), rank, r.getAs(MODEL_NAME),
                String.valueOf((Object) r.getAs(MODEL_VERSION)), start.<Timestamp>getAs("t").toInstant(),
                r.<Timestamp>getAs(END).toInstant(), keyValues, dedupValues, partitionValues,
                r.<Double>getAs(SCORE), ((Number) r.getAs(THRESHOLD)).doubleValue(), ratio, r.<Long>getAs(COUNT),
                features, scoredAt == null ? null : scoredAt.toInstant(), null);
    }

    private static Map<String, Object> values(Row r, List<String> columns) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String c : columns) {
            m.put(c, value(r.get(r.fieldIndex(c))));
        }
        return m;
    }

    /** A value as JSON likes it: numbers and booleans as they are, times as ISO-8601 text, the rest as text. */
    static Object value(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            return v instanceof Short || v instanceof Byte ? ((Number) v).intValue() : v;
        }
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof Date d) {
            return d.toLocalDate().toString();
        }
        return String.valueOf(v);
    }
}
