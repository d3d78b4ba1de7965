package dev.lakead.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Turns a column of Spark ML vectors into DL4J mini-batches, partition by partition (nothing goes to the driver). */
public final class DataSetRdds {
    private DataSetRdds() {
    }

    /** Mini-batches of {@code batchSize} rows whose labels are the features themselves (autoencoders). */
    public static JavaRDD<DataSet> autoencoderBatches(Dataset<Row> rows, String vectorColumn, int batchSize) {
        return rows.select(vectorColumn).javaRDD().mapPartitions(it -> new BatchIterator(it, batchSize));
    }

    /** Packs up to {@code n} vectors (the first column of each row) into one float matrix. */
    public static INDArray toMatrix(List<Vector> vectors, int width) {
        float[] data = new float[vectors.size() * width];
        int k = 0;
        for (Vector v : vectors) {
            for (int j = 0; j < width; j++) {
                data[k++] = (float) v.apply(j);
            }
        }
        return Nd4j.create(data, new long[]{vectors.size(), width}, 'c');
    }

    private static final class BatchIterator implements Iterator<DataSet> {
        private final Iterator<Row> rows;
        private final int batchSize;

        BatchIterator(Iterator<Row> rows, int batchSize) {
            this.rows = rows;
            this.batchSize = batchSize;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public DataSet next() {
            List<Vector> batch = new ArrayList<>(batchSize);
            while (rows.hasNext() && batch.size() < batchSize) {
                batch.add(rows.next().getAs(0));
            }
            INDArray x = toMatrix(batch, batch.get(0).size());
            return new DataSet(x, x.dup());
        }
    }
}
