package dev.lakead.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.List;

/** Turns a column of Spark ML vectors into mini-batches, partition by partition (nothing goes to the driver). */
public final class DataSetRdds {
    private DataSetRdds() {
    }

    /** Blocks of up to {@code batchSize} rows. */
    public static JavaRDD<MiniBatch> miniBatches(Dataset<Row> rows, String vectorColumn, int batchSize) {
        return rows.select(vectorColumn).javaRDD().mapPartitions(it -> new BatchIterator(it, batchSize));
    }

    /** DL4J mini-batches whose labels are the features themselves (autoencoders). */
    public static JavaRDD<DataSet> autoencoderBatches(Dataset<Row> rows, String vectorColumn, int batchSize) {
        return miniBatches(rows, vectorColumn, batchSize).map(b -> {
            INDArray x = b.toArray();
            return new DataSet(x, x.dup());
        });
    }

    /** Packs vectors into one float matrix. */
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

    private static final class BatchIterator implements Iterator<MiniBatch> {
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
        public MiniBatch next() {
            Vector first = rows.next().getAs(0);
            int width = first.size();
            float[] data = new float[batchSize * width];
            int n = 0;
            Vector v = first;
            while (true) {
                for (int j = 0; j < width; j++) {
                    data[n * width + j] = (float) v.apply(j);
                }
                n++;
                if (n == batchSize || !rows.hasNext()) {
                    break;
                }
                v = rows.next().getAs(0);
            }
            return new MiniBatch(n == batchSize ? data : java.util.Arrays.copyOf(data, n * width), n, width);
        }
    }
}
