package dev.lakead.models.batch;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.FeatureErrors;
import dev.lakead.models.LatentSpace;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A partition's scored rows: pulls one batch of input rows at a time, scores it in one network call, and hands out
 * each row as its pass-through columns joined to its score columns. Allocates per row only the copy of its
 * pass-through columns (Spark reuses the input row, and a batch keeps them until it is scored); the output row is
 * reused, which Spark allows: the scan over this iterator turns each row into its own UnsafeRow at once.
 */
final class ScoredRows implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final BatchScorer.ModelSource models;
    private final FeatureReader reader;
    private final int passCount;
    private final UnsafeProjection passColumns;
    private final NativeBatch batch;
    private final UnsafeRow[] passRows;
    private final ScoreColumns scores;
    private final JoinedRow out = new JoinedRow();
    private InternalRow lookahead; // a copy of the first row of another entity's batch
    private int count;
    private int next;

    ScoredRows(Iterator<InternalRow> input, RowLayout layout, BatchScorer.ModelSource models, FeatureReader reader,
               BatchRows batchRows, int width) {
        this.input = input;
        this.models = models;
        this.reader = reader;
        this.passCount = layout.passTypes().length;
        this.passColumns = UnsafeProjection.create(layout.passTypes()); // the row's first passCount columns
        long[] rowShape = reader.rowShape(width);
        long rowSize = 1;
        for (long d : rowShape) {
            rowSize *= d;
        }
        this.batch = new NativeBatch(batchRows.rowsFor(rowSize), rowShape);
        this.passRows = new UnsafeRow[batch.capacity()];
        this.scores = new ScoreColumns(layout);
    }

    @Override
    public boolean hasNext() {
        while (next >= count && (lookahead != null || input.hasNext())) {
            scoreNextBatch();
        }
        return next < count;
    }

    @Override
    public InternalRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int i = next++;
        return out.apply(passRows[i], scores.row(i));
    }

    private void scoreNextBatch() {
        int n = 0;
        AnomalyModel model = null;
        float[] host = batch.host();
        int rowSize = batch.rowSize();
        if (input instanceof ColumnarRows.BatchRows columns && reader.readsColumns() && models.single()) {
            // runs of a scan's column batches, copied column by column
            while (n < batch.capacity() && columns.hasNext()) {
                n += columns.take(batch.capacity() - n, reader, passCount, passColumns, passRows, n, host, rowSize);
            }
            model = models.modelFor(null);
        }
        while ((lookahead != null || input.hasNext()) && n < batch.capacity()) {
            InternalRow r = lookahead != null ? lookahead : input.next();
            lookahead = null;
            AnomalyModel m = models.modelFor(r);
            if (model != null && m != model) { // another entity's model: its rows start the next batch
                lookahead = r.copy();
                break;
            }
            model = m;
            reader.read(r, passCount, host, n * rowSize);
            passRows[n++] = passColumns.apply(r).copy();
        }
        scores.compute(model, batch.upload(n));
        count = n;
        next = 0;
    }

    /** The score columns of one batch, handed out row by row through one reused row. */
    private static final class ScoreColumns {
        private final BatchScorer.LatentExport latent;
        private final boolean featureErrors;
        private final SpecificInternalRow row;
        private double[] values;
        private double[][] codes;
        private double[][] errors;

        ScoreColumns(RowLayout layout) {
            this.latent = layout.outputs().latent();
            this.featureErrors = layout.outputs().featureErrors();
            this.row = new SpecificInternalRow(layout.scoreColumns());
        }

        void compute(AnomalyModel model, INDArray batch) {
            FeatureErrors.Detailed detailed = featureErrors ? ((FeatureErrors) model).scoreDetailed(batch)
                    : new FeatureErrors.Detailed(model.score(batch), null);
            values = detailed.scores();
            errors = detailed.featureErrors();
            codes = latent == BatchScorer.LatentExport.NONE ? null
                    : ((LatentSpace) model).latent(batch).toDoubleMatrix();
        }

        InternalRow row(int i) {
            row.setDouble(0, values[i]);
            int column = 1;
            if (latent == BatchScorer.LatentExport.COLUMNS) {
                for (double c : codes[i]) {
                    row.setDouble(column++, c);
                }
            } else if (latent == BatchScorer.LatentExport.VECTOR) {
                row.update(column++, FeatureReader.VECTORS.serialize(Vectors.dense(codes[i])));
            }
            if (featureErrors) {
                row.update(column, UnsafeArrayData.fromPrimitiveArray(errors[i]));
            }
            return row;
        }
    }

    /**
     * The output row's two parts: the pass-through columns' types (the input row's first columns) and the score
     * columns (the score, then the outputs' latent code and feature errors).
     */
    record RowLayout(DataType[] passTypes, StructType scoreColumns, BatchScorer.Outputs outputs)
            implements java.io.Serializable {
    }
}
