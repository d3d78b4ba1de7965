package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import dev.lakead.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed records and unusable values under each input.malformed policy, with exact counts and rows out. */
class InputAuditTest extends SparkTestSupport {
    private static final List<String> FEATURES = List.of("a", "b");

    /**
     * 20 good lines (ids 1..20), then 3 malformed (a word in a feature column, too few fields, too many fields) and
     * 2 well-formed with unusable values (an empty a; a = NaN and b = Infinity).
     */
    private static String csv() throws Exception {
        Path p = tmp.resolve("readings.csv");
        if (!Files.exists(p)) {
            List<String> lines = new ArrayList<>(List.of("id,a,b,tag"));
            IntStream.rangeClosed(1, 20).forEach(i -> lines.add(i + "," + i * 0.5 + "," + i + ",x"));
            lines.addAll(List.of("21,abc,2.0,y", "22,1.0", "23,1.0,2.0,z,extra", "24,,2.0,w", "25,NaN,Infinity,q"));
            Files.write(p, lines);
        }
        return p.toString();
    }

    private static Settings settings(String path, String format, String policy, double bound) {
        return Settings.defaults().with("input.path", path, "input.format", format, "input.malformed", policy,
                "input.max-malformed-fraction", String.valueOf(bound));
    }

    private static InputAudit.Audited audit(Settings s) {
        return InputAudit.audit(spark, TableReader.read(spark, s), FEATURES, s, "features.columns");
    }

    private static List<Integer> ids(Dataset<Row> rows) {
        return rows.select("id").collectAsList().stream().map(r -> ((Number) r.get(0)).intValue()).sorted()
                .collect(Collectors.toList());
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    @Test
    void csvImputeKeepsEveryRowAndCountsWhatItFills() throws Exception {
        InputAudit.Audited a = audit(settings(csv(), "csv", "impute", 0.5));
        InputAudit.Report r = a.report();
        assertEquals(25, r.rows());
        assertEquals(3, r.malformedRows());
        assertEquals(2, r.rowsWithUnusableValues());
        assertEquals(5, r.imputedRows());
        assertEquals(0, r.droppedRows());
        assertEquals(Map.of("a", 3L, "b", 2L), r.unusableValues(), "a: 'abc', empty, NaN; b: missing field, Inf");
        assertEquals(3, r.malformedExamples().size());
        assertTrue(r.malformedExamples().contains("21,abc,2.0,y"), r.malformedExamples().toString());
        assertEquals(range(1, 25), ids(a.rows()));
        assertEquals(DataTypes.DoubleType, a.rows().schema().apply("a").dataType(), "a word does not make a text column");
        Row bad = a.rows().where("id = 21").first();
        assertTrue(bad.isNullAt(bad.fieldIndex("a")), "the value that did not parse is missing");
        assertEquals(2.0, bad.getDouble(bad.fieldIndex("b")), "the rest of the line is kept");
        assertTrue(r.summary().contains("25 rows read, 3 malformed, 2 with null/NaN/Inf features"), r.summary());
    }

    @Test
    void csvDropLeavesOutMalformedLinesAndRowsWithUnusableValues() throws Exception {
        InputAudit.Audited a = audit(settings(csv(), "csv", "drop", 0.5));
        assertEquals(5, a.report().droppedRows());
        assertEquals(20, a.report().rowsOut());
        assertEquals(range(1, 20), ids(a.rows()));
        assertEquals(20, a.rows().count());
        // the rows out do not depend on the columns a query reads (Spark's CSV column pruning)
        assertEquals(20, a.rows().select("b").count());
        assertEquals(20, a.rows().select("id").collectAsList().size());
    }

    @Test
    void csvFailStopsNamingTheSettingAndTheCounts() throws Exception {
        LakeadException e = assertThrows(LakeadException.class, () -> audit(settings(csv(), "csv", "fail", 0.5)));
        assertTrue(e.getMessage().contains("3 malformed rows and 2 rows with null, NaN or infinite features"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'input.malformed' is fail"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void moreMalformedRowsThanTheBoundStopUnderEveryPolicy() throws Exception {
        for (String policy : List.of("impute", "drop")) {
            LakeadException e = assertThrows(LakeadException.class,
                    () -> audit(settings(csv(), "csv", policy, 0.1)));
            assertTrue(e.getMessage().startsWith("3 of 25 rows of " + csv() + " (12.00%) are malformed"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("'input.max-malformed-fraction' = 0.1"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        assertEquals(3, audit(settings(csv(), "csv", "impute", 0.12)).report().malformedRows(), "0.12 allows 12%");
    }

    @Test
    void parquetCountsNullNaNAndInfinityPerFeature() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.FloatType);
        List<Row> rows = List.of(RowFactory.create(1, 1.0, 1f), RowFactory.create(2, Double.NaN, 1f),
                RowFactory.create(3, null, 2f), RowFactory.create(4, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
                RowFactory.create(5, 2.0, null), RowFactory.create(6, 3.0, 3f));
        String path = path("values.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(path);

        InputAudit.Audited impute = audit(settings(path, "parquet", "impute", 0.0));
        InputAudit.Report r = impute.report();
        assertEquals(6, r.rows());
        assertEquals(0, r.malformedRows(), "Parquet has no malformed records: the bound 0 does not stop it");
        assertEquals(4, r.rowsWithUnusableValues());
        assertEquals(Map.of("a", 3L, "b", 2L), r.unusableValues());
        assertEquals(4, r.imputedRows());
        assertEquals(range(1, 6), ids(impute.rows()));

        InputAudit.Audited drop = audit(settings(path, "parquet", "drop", 0.0));
        assertEquals(4, drop.report().droppedRows());
        assertEquals(List.of(1, 6), ids(drop.rows()));

        LakeadException e = assertThrows(LakeadException.class, () -> audit(settings(path, "parquet", "fail", 0.0)));
        assertTrue(e.getMessage().contains("0 malformed rows and 4 rows with null, NaN or infinite features"
                + " {a=3, b=2}"), e.getMessage());
    }

    @Test
    void jsonLinesThatDoNotParseAreMalformed() throws Exception {
        Path p = tmp.resolve("readings.json");
        Files.write(p, List.of("{\"id\":1,\"a\":1.0,\"b\":2}", "{\"id\":2,\"a\":\"abc\",\"b\":2}", "{\"id\":3,\"a\":1.0",
                "{\"id\":4,\"b\":3}", "{\"id\":5,\"a\":2.5,\"b\":1}"));
        InputAudit.Audited impute = audit(settings(p.toString(), "json", "impute", 0.5));
        assertEquals(5, impute.report().rows());
        assertEquals(2, impute.report().malformedRows());
        assertEquals(1, impute.report().rowsWithUnusableValues());
        assertEquals(Map.of("a", 3L, "b", 1L), impute.report().unusableValues());
        InputAudit.Audited drop = audit(settings(p.toString(), "json", "drop", 0.5));
        assertEquals(List.of(1, 5), ids(drop.rows()));
        assertEquals(3, drop.report().droppedRows());
    }

    @Test
    void aFeatureColumnWithoutOneNumberIsATextColumnNotMalformedRows() throws Exception {
        Path p = tmp.resolve("status.csv");
        Files.writeString(p, "id,temp,status\n1,20.5,ok\n2,21.0,ok\n3,19.5,bad\n");
        Settings s = settings(p.toString(), "csv", "impute", 0.01);
        LakeadException e = assertThrows(LakeadException.class, () -> InputAudit.audit(spark,
                TableReader.read(spark, s), List.of("temp", "status"), s, "features.columns"));
        assertTrue(e.getMessage().contains("not numeric: status (string)"), e.getMessage());
    }

    @Test
    void badSettingsAreNamed() {
        LakeadException e = assertThrows(LakeadException.class,
                () -> InputAudit.validate(Settings.defaults().with("input.malformed", "skip")));
        assertTrue(e.getMessage().contains("'input.malformed' must be one of impute, drop, fail"), e.getMessage());
        e = assertThrows(LakeadException.class,
                () -> InputAudit.validate(Settings.defaults().with("input.max-malformed-fraction", "1.5")));
        assertTrue(e.getMessage().contains("input.max-malformed-fraction"), e.getMessage());
    }
}
