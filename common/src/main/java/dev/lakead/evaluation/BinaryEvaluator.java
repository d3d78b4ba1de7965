package dev.lakead.evaluation;

import dev.lakead.LakeadException;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

import java.util.Arrays;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Evaluates scores against labels on the executors: the confusion matrix in one aggregation, ROC-AUC and PR-AUC
 * with MLlib's BinaryClassificationEvaluator (whose curves stay distributed).
 */
public final class BinaryEvaluator {
    public static final String LABEL = "__label";

    private BinaryEvaluator() {
    }

    public static EvaluationResult evaluate(Dataset<Row> scored, String labelColumn, String scoreColumn,
                                            String predictionColumn, int numBins) {
        Dataset<Row> labelled = withBinaryLabel(scored, labelColumn).cache();
        try {
            return evaluateLabelled(labelled, labelColumn, scoreColumn, predictionColumn, numBins);
        } finally {
            labelled.unpersist();
        }
    }

    /**
     * Adds {@value #LABEL}: 1.0 for an anomaly (label &gt; 0 or true), 0.0 for normal, null when the label is
     * missing. Fails naming the label column when it is absent or not numeric/boolean.
     */
    public static Dataset<Row> withBinaryLabel(Dataset<Row> scored, String labelColumn) {
        if (!Arrays.asList(scored.columns()).contains(labelColumn)) {
            throw new LakeadException("Label column '" + labelColumn + "' is not in the scored table (columns: "
                    + String.join(", ", scored.columns()) + "); set evaluate.label-column or evaluate.labels-path");
        }
        DataType t = scored.schema().apply(labelColumn).dataType();
        if (!(t instanceof NumericType) && !(t instanceof BooleanType)) {
            throw new LakeadException("Label column '" + labelColumn + "' must be numeric or boolean, got "
                    + t.simpleString());
        }
        Column label = col(labelColumn).cast("double");
        return scored.withColumn(LABEL, when(label.isNull(), lit(null)).otherwise(
                when(label.gt(0), 1.0).otherwise(0.0)));
    }

    /** Metrics of rows that already carry {@value #LABEL} (see {@link #withBinaryLabel}); cache them first. */
    public static EvaluationResult evaluateLabelled(Dataset<Row> labelled, String labelColumn, String scoreColumn,
                                                    String predictionColumn, int numBins) {
        Column pred = col(predictionColumn);
        Column y = col(LABEL);
        Row c = labelled.agg(count(lit(1)), count(y),
                sum(when(y.equalTo(0).and(not(pred)), 1).otherwise(0)),
                sum(when(y.equalTo(0).and(pred), 1).otherwise(0)),
                sum(when(y.equalTo(1).and(not(pred)), 1).otherwise(0)),
                sum(when(y.equalTo(1).and(pred), 1).otherwise(0))).first();
        long rows = c.getLong(0);
        long withLabel = c.getLong(1);
        ConfusionMatrix cm = new ConfusionMatrix(c.isNullAt(2) ? 0 : c.getLong(2), c.isNullAt(3) ? 0 : c.getLong(3),
                c.isNullAt(4) ? 0 : c.getLong(4), c.isNullAt(5) ? 0 : c.getLong(5));
        if (withLabel == 0) {
            throw new LakeadException("No row of the scored table has a label in column '" + labelColumn + "'");
        }
        double rocAuc = Double.NaN;
        double prAuc = Double.NaN;
        if (cm.tp() + cm.fn() > 0 && cm.tn() + cm.fp() > 0) {
            Dataset<Row> known = labelled.where(y.isNotNull());
            BinaryClassificationEvaluator ev = new BinaryClassificationEvaluator().setLabelCol(LABEL)
                    .setRawPredictionCol(scoreColumn).setNumBins(numBins);
            rocAuc = ev.setMetricName("areaUnderROC").evaluate(known);
            prAuc = ev.setMetricName("areaUnderPR").evaluate(known);
        }
        return new EvaluationResult(rows, rows - withLabel, cm, rocAuc, prAuc);
    }
}
