package dev.lakead.scoring;

import dev.lakead.features.ScalingPlan;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.Serializable;

/** Copies one row's model input into a float batch buffer, starting at a given column of the row. */
interface FeatureReader extends Serializable {
    void read(Row row, int firstColumn, float[] dest, int destOffset);

    /** A column of already scaled Spark ML vectors (the prepared training data). */
    static FeatureReader vectorColumn(int width) {
        return (row, first, dest, off) -> {
            Vector v = row.getAs(first);
            for (int j = 0; j < width; j++) {
                dest[off + j] = (float) v.apply(j);
            }
        };
    }

    /** Raw double columns, imputed and scaled with the bundle's {@link ScalingPlan}. */
    static FeatureReader rawColumns(ScalingPlan plan) {
        int width = plan.width();
        return (row, first, dest, off) -> {
            for (int j = 0; j < width; j++) {
                double raw = row.isNullAt(first + j) ? Double.NaN : row.getDouble(first + j);
                dest[off + j] = (float) plan.apply(j, raw);
            }
        };
    }
}
