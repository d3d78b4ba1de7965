package dev.lakead.sql;

import dev.lakead.LakeadException;
import dev.lakead.scoring.RealtimeScorer;
import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentLengthException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentTypeException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF;
import org.apache.hadoop.hive.serde2.objectinspector.ConstantObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.PrimitiveObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorUtils;

import java.util.List;

/**
 * The scalar score as a Hive UDF, for sessions with Hive support that register functions by class
 * ({@code CREATE FUNCTION lakead_anomaly_score AS 'dev.lakead.sql.HiveAnomalyScore' USING JAR '…'}): the same
 * arguments, checks and scorer ({@link RealtimeScorer}, once per executor thread) as the extension's
 * {@code lakead_anomaly_score}.
 */
public class HiveAnomalyScore extends GenericUDF {
    private String bundle;
    private PrimitiveObjectInspector[] features;

    /** The function's name in its messages. */
    String name() {
        return "lakead_anomaly_score";
    }

    ObjectInspector output() {
        return PrimitiveObjectInspectorFactory.javaDoubleObjectInspector;
    }

    Object output(double score, RealtimeScorer scorer) {
        return score;
    }

    @Override
    public ObjectInspector initialize(ObjectInspector[] args) throws UDFArgumentException {
        if (args.length < 2) {
            throw new UDFArgumentLengthException(name() + " takes at least 2 arguments ('<bundle uri>', <feature 1>,"
                    + " ...), got " + args.length);
        }
        if (!(args[0] instanceof ConstantObjectInspector c) || c.getWritableConstantValue() == null
                || !(args[0] instanceof PrimitiveObjectInspector p)
                || p.getPrimitiveCategory() != PrimitiveObjectInspector.PrimitiveCategory.STRING) {
            throw new UDFArgumentTypeException(0, name() + ": argument 1 (the bundle URI) must be a string literal");
        }
        bundle = c.getWritableConstantValue().toString().trim();
        RealtimeScorer scorer;
        try {
            scorer = ExecutorScorers.prototype(bundle);
        } catch (LakeadException e) {
            throw new UDFArgumentException(name() + ": " + e.getMessage());
        }
        List<String> columns = scorer.featureColumns();
        if (args.length - 1 != columns.size()) {
            throw new UDFArgumentLengthException(name() + ": bundle " + bundle + " takes " + columns.size()
                    + " feature values in this order: " + String.join(", ", columns) + "; got " + (args.length - 1));
        }
        features = new PrimitiveObjectInspector[columns.size()];
        for (int j = 0; j < features.length; j++) {
            if (!(args[j + 1] instanceof PrimitiveObjectInspector f) || !PrimitiveObjectInspectorUtils
                    .getPrimitiveGrouping(f.getPrimitiveCategory()).equals(
                            PrimitiveObjectInspectorUtils.PrimitiveGrouping.NUMERIC_GROUP)) {
                throw new UDFArgumentTypeException(j + 1, name() + ": argument " + (j + 2) + " (feature '"
                        + columns.get(j) + "' of bundle " + bundle + ") must be numeric, got "
                        + args[j + 1].getTypeName());
            }
            features[j] = f;
        }
        return output();
    }

    @Override
    public Object evaluate(DeferredObject[] args) throws HiveException {
        double[] row = new double[features.length];
        for (int j = 0; j < row.length; j++) {
            Object v = args[j + 1].get();
            row[j] = v == null ? Double.NaN : PrimitiveObjectInspectorUtils.getDouble(v, features[j]);
        }
        RealtimeScorer scorer = ExecutorScorers.forThisThread(bundle);
        return output(scorer.scoreValues(new double[][]{row})[0], scorer);
    }

    @Override
    public String getDisplayString(String[] children) {
        return name() + "(" + String.join(", ", children) + ")";
    }
}
