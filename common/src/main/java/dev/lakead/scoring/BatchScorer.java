package dev.lakead.scoring;

import dev.lakead.features.FeaturePipeline;
import dev.lakead.models.AnomalyModel;
import dev.lakead.training.DataSetRdds;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.apache.spark.sql.functions.col;

/**
 * Scores a table on the executors: inside each partition, rows are packed into batches of {@code batchSize}
 * and each batch goes through the network in one call. Output: the pass-through columns plus
 * {@value #SCORE}; nothing is collected to the driver.
 */
public final class BatchScorer {
    public static final String SCORE = "anomaly_score";

    private BatchScorer() {
    }

    /**
     * @param featured     rows carrying the {@link FeaturePipeline#FEATURES} vector column
     * @param passColumns  columns copied unchanged to the output
     */
    public static Dataset<Row> score(Dataset<Row> featured, List<String> passColumns, AnomalyModel model,
                                     int batchSize) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(featured.sparkSession().sparkContext());
        Broadcast<ModelPayload> payload = sc.broadcast(ModelPayload.of(model));
        int width = model.inputSize();

        List<Column> selected = new ArrayList<>();
        List<StructField> outFields = new ArrayList<>();
        for (String c : passColumns) {
            selected.add(col(c));
            outFields.add(featured.schema().apply(c));
        }
        selected.add(col(FeaturePipeline.FEATURES));
        outFields.add(DataTypes.createStructField(SCORE, DataTypes.DoubleType, false));
        StructType outSchema = DataTypes.createStructType(outFields);
        int passCount = passColumns.size();

        return featured.select(selected.toArray(new Column[0])).mapPartitions(
                (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows ->
                        new ScoredIterator(rows, ExecutorModels.taskCopy(payload.value()), batchSize, width, passCount),
                Encoders.row(outSchema));
    }

    /** Pulls one batch of input rows at a time, scores it, and hands out the scored rows. */
    private static final class ScoredIterator implements Iterator<Row> {
        private final Iterator<Row> input;
        private final AnomalyModel model;
        private final int batchSize;
        private final int width;
        private final int passCount;
        private Iterator<Row> ready = Collections.emptyIterator();

        ScoredIterator(Iterator<Row> input, AnomalyModel model, int batchSize, int width, int passCount) {
            this.input = input;
            this.model = model;
            this.batchSize = batchSize;
            this.width = width;
            this.passCount = passCount;
        }

        @Override
        public boolean hasNext() {
            while (!ready.hasNext() && input.hasNext()) {
                ready = scoreNextBatch();
            }
            return ready.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.next();
        }

        private Iterator<Row> scoreNextBatch() {
            List<Row> rows = new ArrayList<>(batchSize);
            List<Vector> vectors = new ArrayList<>(batchSize);
            while (input.hasNext() && rows.size() < batchSize) {
                Row r = input.next();
                rows.add(r);
                vectors.add(r.getAs(passCount));
            }
            double[] scores = model.score(DataSetRdds.toMatrix(vectors, width));
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Object[] values = new Object[passCount + 1];
                for (int j = 0; j < passCount; j++) {
                    values[j] = rows.get(i).get(j);
                }
                values[passCount] = scores[i];
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }
}
