package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.features.FeatureSelection;
import dev.lakead.models.batch.UnusableValues;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Checks the records of an input table before a job uses them, and applies setting input.malformed to the rows that
 * cannot be used as they are: counts malformed records of text inputs (CSV, JSON: a line that does not parse, too few
 * or too many fields, text that is not a number in a feature column) and the unusable feature values of every format
 * (null, NaN, +/-Inf), then imputes, drops or fails. input.max-malformed-fraction bounds the malformed share. Counts
 * come from one aggregation on the executors; nothing is collected but a few example lines.
 */
public final class InputAudit {
    private static final Logger LOG = LoggerFactory.getLogger(InputAudit.class);
    /** The column Spark's PERMISSIVE mode fills with the text of a line that does not parse. */
    static final String MALFORMED = "__lakead_malformed";
    private static final int EXAMPLES = 3;

    private InputAudit() {
    }

    /** Values of input.malformed. */
    public enum Policy {
        IMPUTE, DROP, FAIL;

        String setting() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What the audit found and did.
     *
     * @param malformedRows         text inputs: records that did not parse (always 0 for Parquet)
     * @param rowsWithUnusableValues well-formed rows with at least one null, NaN or infinite feature
     * @param unusableValues        per feature: values that are null, NaN, infinite or not a number (malformed rows
     *                              included)
     * @param affectedRows          malformed rows + rows with unusable values: what the policy dropped or imputed
     */
    public record Report(String path, String format, Policy policy, double maxMalformedFraction, long rows,
                         long malformedRows, long rowsWithUnusableValues, Map<String, Long> unusableValues,
                         long affectedRows, List<String> malformedExamples) {
        public long droppedRows() {
            return policy == Policy.DROP ? affectedRows : 0;
        }

        public long imputedRows() {
            return policy == Policy.IMPUTE ? affectedRows : 0;
        }

        public long rowsOut() {
            return rows - droppedRows();
        }

        /** For prepared.json and the score run's record. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("format", format);
            m.put("policy", policy.setting());
            m.put("max_malformed_fraction", maxMalformedFraction);
            m.put("rows_read", rows);
            m.put("malformed_rows", malformedRows);
            m.put("rows_with_unusable_values", rowsWithUnusableValues);
            m.put("unusable_values", unusableValues);
            m.put("dropped_rows", droppedRows());
            m.put("imputed_rows", imputedRows());
            m.put("rows_used", rowsOut());
            m.put("malformed_examples", malformedExamples);
            return m;
        }

        /** One line for the job's summary. */
        public String summary() {
            Map<String, Long> nonZero = nonZero(unusableValues);
            return String.format(Locale.ROOT, "input: %d rows read, %d malformed, %d with null/NaN/Inf features%s;"
                            + " input.malformed = %s: %d dropped, %d imputed, %d used", rows, malformedRows,
                    rowsWithUnusableValues, nonZero.isEmpty() ? "" : " (values " + nonZero + ")", policy.setting(),
                    droppedRows(), imputedRows(), rowsOut());
        }
    }

    /**
     * The rows a job goes on with, and the report: at once, or, for an audit {@link #countedBy counted by the
     * scorer}, once the job's action over {@link #rows()} has run.
     */
    public static final class Audited {
        private final Dataset<Row> rows;
        private final Supplier<Report> pending;
        private Report report;

        Audited(Dataset<Row> rows, Report report) {
            this.rows = rows;
            this.report = report;
            this.pending = null;
        }

        Audited(Dataset<Row> rows, Supplier<Report> pending) {
            this.rows = rows;
            this.pending = pending;
        }

        public Dataset<Row> rows() {
            return rows;
        }

        public synchronized Report report() {
            if (report == null) {
                report = pending.get();
            }
            return report;
        }
    }

    /**
     * Whether a job that reads every raw feature value once (the score step's record scorer) can count the audit
     * in that pass instead of one of its own: a typed input (Parquet, ORC, a catalog table: no line can be
     * malformed) with input.malformed = impute (no row to drop or refuse before the pass).
     */
    public static boolean countableWhileScoring(TableReader.Table table, Settings s) {
        return !table.source().text() && policy(s) == Policy.IMPUTE;
    }

    /**
     * The audit of {@code table}'s {@code features}, counted into {@code counts} by the scorer while it reads the
     * rows ({@link #countableWhileScoring}): its report is ready once the action that scores them has run. Saves a
     * lake-scale score job a whole read of its input.
     */
    public static Audited countedBy(UnusableValues counts, TableReader.Table table, List<String> features,
                                    Settings s) {
        Policy policy = policy(s);
        double bound = maxMalformedFraction(s);
        TableReader.Source source = table.source();
        return new Audited(table.rows(), () -> {
            Map<String, Long> perFeature = new LinkedHashMap<>();
            for (int i = 0; i < features.size(); i++) {
                perFeature.put(features.get(i), counts.unusableValues(i));
            }
            Report report = new Report(source.path(), source.format(), policy, bound, counts.rows(), 0,
                    counts.rowsWithUnusableValues(), perFeature, counts.rowsWithUnusableValues(), List.of());
            LOG.info("Input audit of {} (counted while scoring): {}", source.path(), report.summary());
            return report;
        });
    }

    public static Policy policy(Settings s) {
        return Policy.valueOf(s.choice("input.malformed", "impute", "drop", "fail").toUpperCase(Locale.ROOT));
    }

    public static double maxMalformedFraction(Settings s) {
        double f = s.number("input.max-malformed-fraction");
        if (!(f >= 0 && f <= 1)) {
            throw new LakeadException("Setting 'input.max-malformed-fraction' must be between 0 and 1, got " + f);
        }
        return f;
    }

    /** The settings' checks, for --dry-run. */
    public static void validate(Settings s) {
        policy(s);
        maxMalformedFraction(s);
    }

    /**
     * Audits the table's rows for the given feature columns (names absent from the table are left to the caller's
     * own check) and applies the policy.
     *
     * @param what how the caller's errors name the feature columns, e.g. "features.columns"
     */
    public static Audited audit(SparkSession spark, TableReader.Table table, List<String> features, Settings s,
                                String what) {
        Policy policy = policy(s);
        double bound = maxMalformedFraction(s);
        List<String> present = new ArrayList<>();
        for (String f : features) {
            if (Arrays.asList(table.rows().columns()).contains(f)) {
                present.add(f);
            }
        }
        TableReader.Source source = table.source();
        boolean text = source.text();
        List<String> typed = new ArrayList<>(); // text columns read as numbers: the inferred type was not numeric
        Dataset<Row> checked = table.rows();
        StructType schema = null;
        if (text) {
            // Spark parses only the columns a query reads (CSV column pruning), and then neither counts a line's
            // fields nor converts the other values: a line is malformed or not whatever the query, so parse whole
            // lines for the rest of this session (audit and job must agree on which rows are malformed).
            spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
            schema = typedSchema(table.rows().schema(), present, typed);
            checked = source.readText(spark, schema.add(MALFORMED, DataTypes.StringType), "PERMISSIVE", MALFORMED);
        }

        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)));
        Column malformed = text ? col(MALFORMED).isNotNull() : lit(false);
        aggs.add(sum(when(malformed, 1).otherwise(0)));
        List<Column> unusable = new ArrayList<>();
        for (String f : present) {
            unusable.add(FeaturePipeline.unusable(f));
        }
        Column anyUnusable = unusable.isEmpty() ? lit(false) : anyOf(unusable, 0, unusable.size());
        aggs.add(sum(when(not(malformed).and(anyUnusable), 1).otherwise(0)));
        aggs.add(sum(when(malformed.or(anyUnusable), 1).otherwise(0)));
        for (Column u : unusable) {
            aggs.add(sum(when(u, 1).otherwise(0)));
        }
        for (String t : typed) {
            aggs.add(count(col(t)));
        }
        Row r = checked.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        long rows = r.getLong(0);
        long malformedRows = rows == 0 ? 0 : r.getLong(1);
        long withUnusable = rows == 0 ? 0 : r.getLong(2);
        long affected = rows == 0 ? 0 : r.getLong(3);
        Map<String, Long> perFeature = new LinkedHashMap<>();
        for (int i = 0; i < present.size(); i++) {
            perFeature.put(present.get(i), rows == 0 ? 0 : r.getLong(4 + i));
        }
        List<String> notNumbers = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            if (r.getLong(4 + present.size() + i) == 0 && malformedRows > 0) {
                notNumbers.add(typed.get(i)); // not one value is a number: a text column, not a few bad values
            }
        }
        if (!notNumbers.isEmpty()) {
            FeatureSelection.requireNumeric(table.rows().schema(), notNumbers, what);
        }
        // every column read: Spark converts (and so flags) only the values a query reads, and refuses a query of
        // the malformed-line column alone
        List<String> examples = malformedRows == 0 ? List.of() : checked.where(malformed).limit(EXAMPLES)
                .collectAsList().stream().map(x -> shortLine(x.<String>getAs(MALFORMED))).toList();
        Report report = new Report(source.path(), source.format(), policy, bound, rows, malformedRows, withUnusable,
                perFeature, affected, examples);
        LOG.info("Input audit of {}: {}", source.path(), report.summary());
        if (!examples.isEmpty()) {
            LOG.warn("{} malformed rows in {}, e.g. {}", malformedRows, source.path(), examples);
        }

        if (rows > 0 && (double) malformedRows / rows > bound) {
            throw new LakeadException(String.format(Locale.ROOT, "%d of %d rows of %s (%.2f%%) are malformed (lines"
                            + " that do not parse), more than setting 'input.max-malformed-fraction' = %s allows;"
                            + " e.g. '%s'. Fix the input, or raise the setting", malformedRows, rows, source.path(),
                    100.0 * malformedRows / rows, bound, examples.get(0)));
        }
        if (policy == Policy.FAIL && affected > 0) {
            throw new LakeadException(String.format(Locale.ROOT, "%s has %d malformed rows and %d rows with null, NaN"
                            + " or infinite features %s, and setting 'input.malformed' is fail%s; fix the input or"
                            + " set input.malformed to impute or drop", source.path(), malformedRows, withUnusable,
                    nonZero(perFeature), examples.isEmpty() ? "" : " (e.g. '" + examples.get(0) + "')"));
        }

        Dataset<Row> out = table.rows();
        if (text && (policy == Policy.DROP || !typed.isEmpty())) {
            // DROPMALFORMED: Spark leaves out the lines that do not parse; PERMISSIVE keeps them with the values it
            // could not read as null (missing), which the preprocessing imputes
            out = source.readText(spark, schema, policy == Policy.DROP ? "DROPMALFORMED" : "PERMISSIVE", null);
        }
        if (policy == Policy.DROP && !unusable.isEmpty()) {
            out = out.where(not(anyUnusable));
        }
        return new Audited(out, report);
    }

    /** The inferred schema with the feature columns whose values were not all numbers typed as double. */
    private static StructType typedSchema(StructType inferred, List<String> features, List<String> typed) {
        StructType out = new StructType();
        for (StructField f : inferred.fields()) {
            if (features.contains(f.name()) && !(f.dataType() instanceof NumericType)) {
                typed.add(f.name());
                out = out.add(f.name(), DataTypes.DoubleType, true);
            } else {
                out = out.add(f);
            }
        }
        return out;
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** A malformed line for a one-line message: no line breaks, at most 120 characters. */
    private static String shortLine(String line) {
        String s = line == null ? "" : line.replaceAll("[\\r\\n]+", " ").strip();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** OR of the conditions as a balanced tree: a chain 784 deep overflows the analyser's stack. */
    private static Column anyOf(List<Column> conditions, int from, int to) {
        if (to - from == 1) {
            return conditions.get(from);
        }
        int mid = (from + to) >>> 1;
        return anyOf(conditions, from, mid).or(anyOf(conditions, mid, to));
    }
}
