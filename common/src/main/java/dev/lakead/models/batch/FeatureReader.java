package dev.lakead.models.batch;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

import dev.lakead.features.ScalingPlan;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.Serializable;

/** Copies one row's model input into a float batch buffer, starting at a given column of the row. */
public interface FeatureReader extends Serializable {
    /** From Spark's internal row: the scoring path reads no external Row per record. */
    void read(InternalRow row, int firstColumn, float[] dest, int destOffset);

    /** From an external Row, for readers whose rows were collected as Rows (the per-entity LSTM trainers). */
    default void read(Row row, int firstColumn, float[] dest, int destOffset) {
        throw new UnsupportedOperationException(getClass().getName() + " reads Spark's internal rows only");
    }

    /** Shape of one row's model input: [features] for records, [features, steps] for windows. */
    default long[] rowShape(int width) {
        return new long[]{width};
    }

    /**
     * A column holding a window: the list of its records' scaled vectors in time order, laid out as [features,
     * steps] (DL4J's NCW); a short window (segment shorter than the window) repeats its last record.
     */
    static FeatureReader windowColumn(int width, int steps) {
        return new FeatureReader() {
            @Override
            public void read(Row row, int first, float[] dest, int off) {
                java.util.List<Vector> list = row.getList(first);
                for (int t = 0; t < steps; t++) {
                    put(list.get(Math.min(t, list.size() - 1)), dest, off, t);
                }
            }

            @Override
            public void read(InternalRow row, int first, float[] dest, int off) {
                ArrayData list = row.getArray(first);
                for (int t = 0; t < steps; t++) {
                    put(VECTORS.deserialize(list.getStruct(Math.min(t, list.numElements() - 1), VECTOR_FIELDS)),
                            dest, off, t);
                }
            }

            private void put(Vector v, float[] dest, int off, int t) {
                for (int f = 0; f < width; f++) {
                    dest[off + f * steps + t] = (float) v.apply(f);
                }
            }

            @Override
            public long[] rowShape(int w) {
                return new long[]{w, steps};
            }
        };
    }

    /** Packs the rows' inputs (read from column {@code first}) into one [rows, ...rowShape] float array. */
    default org.nd4j.linalg.api.ndarray.INDArray pack(java.util.List<Row> rows, int first, int width) {
        long[] shape = rowShape(width);
        int size = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] data = new float[rows.size() * size];
        for (int i = 0; i < rows.size(); i++) {
            read(rows.get(i), first, data, i * size);
        }
        long[] full = new long[shape.length + 1];
        full[0] = rows.size();
        System.arraycopy(shape, 0, full, 1, shape.length);
        return org.nd4j.linalg.factory.Nd4j.create(data, full, 'c');
    }

    /** A column of already scaled Spark ML vectors (the prepared training data). */
    static FeatureReader vectorColumn(int width) {
        return (row, first, dest, off) -> {
            Vector v = VECTORS.deserialize(row.getStruct(first, VECTOR_FIELDS));
            for (int j = 0; j < width; j++) {
                dest[off + j] = (float) v.apply(j);
            }
        };
    }

    /** Spark ML vectors as Spark stores them: a struct of 4 fields (type, size, indices, values). */
    VectorUDT VECTORS = new VectorUDT();
    int VECTOR_FIELDS = 4;

    /**
     * Copies {@code count} rows of the batch from row {@code from}, columns from {@code firstColumn} on, into
     * {@code dest} row after row, as {@link #read} does one row. Only readers of plain columns can.
     */
    default void readColumns(org.apache.spark.sql.vectorized.ColumnarBatch batch, int firstColumn, int from,
                             int count, float[] dest, int destOffset) {
        throw new UnsupportedOperationException(getClass().getName() + " reads rows only");
    }

    /** Whether {@link #readColumns} works. */
    default boolean readsColumns() {
        return false;
    }

    /**
     * Raw numeric columns (read as {@code kinds[j]}), imputed and scaled with the bundle's {@link ScalingPlan};
     * the rows and their null, NaN and infinite values are counted into {@code counts} unless it is null.
     */
    static FeatureReader rawColumns(ScalingPlan plan, RawColumns.Kind[] kinds, UnusableValues counts) {
        return new RawColumns(plan, kinds, counts);
    }
}
