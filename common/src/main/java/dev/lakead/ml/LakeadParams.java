package dev.lakead.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The schema checks and output fields shared by {@link AnomalyDetector} and {@link AnomalyDetectionModel}. */
final class LakeadParams {
    private LakeadParams() {
    }

    /** Every feature column exists and is numeric, else IllegalArgumentException naming it. */
    static void requireFeatures(StructType schema, List<String> features, String who) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String c : features) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(who + ": feature column '" + c + "' is not in the input; input"
                        + " columns: " + String.join(", ", names));
            }
            if (!(schema.apply(c).dataType() instanceof NumericType)) {
                throw new IllegalArgumentException(who + ": feature column '" + c + "' must be numeric, it is "
                        + schema.apply(c).dataType().simpleString());
            }
        }
    }

    /** The input's fields plus the score, the decision and (when named) the per-feature errors. */
    static StructType withOutputs(StructType schema, String scoreCol, String predictionCol, String featureErrorsCol,
                                  String who) {
        List<String> names = Arrays.asList(schema.fieldNames());
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        List<String> outputs = new ArrayList<>(List.of(scoreCol, predictionCol));
        if (!featureErrorsCol.isEmpty()) {
            outputs.add(featureErrorsCol);
        }
        for (String o : outputs) {
            if (names.contains(o)) {
                throw new IllegalArgumentException(who + ": output column '" + o + "' already exists in the input;"
                        + " choose another name (scoreCol, predictionCol, featureErrorsCol)");
            }
        }
        fields.add(DataTypes.createStructField(scoreCol, DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(predictionCol, DataTypes.BooleanType, true));
        if (!featureErrorsCol.isEmpty()) {
            fields.add(DataTypes.createStructField(featureErrorsCol,
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true), true));
        }
        return DataTypes.createStructType(fields);
    }

    static Param<String> string(Params parent, String name, String doc) {
        return new Param<>(parent, name, doc);
    }
}
