package dev.lakead.evaluation;

import dev.lakead.LakeadException;
import dev.lakead.SparkTestSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ROC-AUC, PR-AUC and the confusion matrix from a scored DataFrame. */
class BinaryEvaluatorTest extends SparkTestSupport {
    private static final String SCORE = "anomaly_score";
    private static final String PRED = "is_anomaly";

    private static StructType schema(DataType labelType) {
        return DataTypes.createStructType(List.of(
                DataTypes.createStructField("label", labelType, true),
                DataTypes.createStructField(SCORE, DataTypes.DoubleType, false),
                DataTypes.createStructField(PRED, DataTypes.BooleanType, false)));
    }

    /** rows of {label, score}; the prediction is score &gt; 0.5. */
    private static Dataset<Row> scored(DataType labelType, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r[0], r[1], (double) r[1] > 0.5));
        }
        return spark.createDataFrame(list, schema(labelType));
    }

    private static Object[] r(Object label, double score) {
        return new Object[]{label, score};
    }

    @Test
    void perfectlySeparableScoresGiveAucOne() {
        Dataset<Row> df = scored(DataTypes.IntegerType,
                r(0, 0.1), r(0, 0.2), r(0, 0.3), r(0, 0.4), r(0, 0.45), r(0, 0.55),
                r(1, 0.6), r(1, 0.7), r(1, 0.8), r(1, 0.9));
        EvaluationResult res = BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0);
        assertEquals(1.0, res.rocAuc(), 1e-12);
        assertEquals(1.0, res.prAuc(), 1e-12);
        assertEquals(10, res.rows());
        assertEquals(0, res.unlabelledRows());
        // prediction at 0.5: one normal (0.55) is a false alarm
        assertEquals(new ConfusionMatrix(5, 1, 0, 4), res.confusion());
    }

    @Test
    void reversedOrderingGivesRocAucZero() {
        Dataset<Row> df = scored(DataTypes.IntegerType,
                r(1, 0.1), r(1, 0.2), r(1, 0.3), r(0, 0.6), r(0, 0.7), r(0, 0.8), r(0, 0.9));
        EvaluationResult res = BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0);
        assertEquals(0.0, res.rocAuc(), 1e-12);
        assertTrue(res.prAuc() < 0.5, "PR-AUC " + res.prAuc());
        assertEquals(new ConfusionMatrix(0, 4, 3, 0), res.confusion());
    }

    @Test
    void partlyOverlappingScoresGiveTheRankAuc() {
        // positives 0.4, 0.8 ; negatives 0.1, 0.5, 0.6 -> pairs ranked right: (0.4>0.1), (0.8>all 3) = 4 of 6
        Dataset<Row> df = scored(DataTypes.IntegerType,
                r(1, 0.4), r(1, 0.8), r(0, 0.1), r(0, 0.5), r(0, 0.6));
        EvaluationResult res = BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0);
        assertEquals(4.0 / 6, res.rocAuc(), 1e-12);
    }

    @Test
    void nullLabelsAreCountedAsUnlabelledAndExcluded() {
        Dataset<Row> df = scored(DataTypes.IntegerType,
                r(0, 0.1), r(0, 0.2), r(1, 0.8), r(1, 0.9),
                // unlabelled rows whose scores would break the perfect ordering if they were counted
                r(null, 0.95), r(null, 0.05), r(null, 0.7));
        EvaluationResult res = BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0);
        assertEquals(7, res.rows());
        assertEquals(3, res.unlabelledRows());
        assertEquals(4, res.confusion().total());
        assertEquals(new ConfusionMatrix(2, 0, 0, 2), res.confusion());
        assertEquals(1.0, res.rocAuc(), 1e-12);
    }

    @Test
    void booleanAndNonBinaryNumericLabelsAreAccepted() {
        Dataset<Row> bools = scored(DataTypes.BooleanType, r(false, 0.1), r(false, 0.6), r(true, 0.9));
        EvaluationResult b = BinaryEvaluator.evaluate(bools, "label", SCORE, PRED, 0);
        assertEquals(new ConfusionMatrix(1, 1, 0, 1), b.confusion());
        assertEquals(1.0, b.rocAuc(), 1e-12);

        // anything > 0 is an anomaly
        Dataset<Row> doubles = scored(DataTypes.DoubleType, r(0.0, 0.1), r(2.0, 0.9), r(-1.0, 0.2));
        assertEquals(new ConfusionMatrix(2, 0, 0, 1),
                BinaryEvaluator.evaluate(doubles, "label", SCORE, PRED, 0).confusion());
    }

    @Test
    void singleClassGivesNaNAucButAConfusionMatrix() {
        Dataset<Row> df = scored(DataTypes.IntegerType, r(0, 0.1), r(0, 0.7));
        EvaluationResult res = BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0);
        assertTrue(Double.isNaN(res.rocAuc()) && Double.isNaN(res.prAuc()));
        assertEquals(new ConfusionMatrix(1, 1, 0, 0), res.confusion());
    }

    @Test
    void missingLabelColumnIsNamed() {
        Dataset<Row> df = scored(DataTypes.IntegerType, r(0, 0.1), r(1, 0.9)).withColumnRenamed("label", "y");
        LakeadException e = assertThrows(LakeadException.class,
                () -> BinaryEvaluator.evaluate(df, "is_fraud", SCORE, PRED, 0));
        assertTrue(e.getMessage().contains("'is_fraud'") && e.getMessage().contains("evaluate.label-column"),
                e.getMessage());
    }

    @Test
    void stringLabelColumnIsRejected() {
        Dataset<Row> df = scored(DataTypes.StringType, r("yes", 0.1));
        LakeadException e = assertThrows(LakeadException.class,
                () -> BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0));
        assertTrue(e.getMessage().contains("'label'") && e.getMessage().contains("string"), e.getMessage());
    }

    @Test
    void noLabelledRowIsAnError() {
        Dataset<Row> df = scored(DataTypes.IntegerType, r(null, 0.1), r(null, 0.9));
        LakeadException e = assertThrows(LakeadException.class,
                () -> BinaryEvaluator.evaluate(df, "label", SCORE, PRED, 0));
        assertTrue(e.getMessage().contains("'label'"), e.getMessage());
    }
}
