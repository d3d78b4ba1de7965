package dev.lakead.models.batch;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static scala.collection.JavaConverters.seqAsJavaList;

/**
 * A query's rows for the batch scorer, read straight from the column batches of a columnar scan (Parquet, ORC)
 * when the query is no more than that scan and a choice of its columns: each row is a view into the batch, so no
 * row is built per record. Spark would otherwise convert every batch to one UnsafeRow per record, which cost
 * about 40 % of the scoring pass on a narrow table (bench/memory.sh profile). Any other query (filters,
 * expressions, joins, a row-based source) is run as it is.
 *
 * <p>Wide tables too: Spark's Parquet and ORC scans hand out column batches only up to
 * {@code spark.sql.codegen.maxFields} columns (100), and past that convert every row to an UnsafeRow, value by
 * value through the dictionary: on a 784-feature table that projection took about 64 % of the scoring tasks' time
 * (bench/README.md, perf). The scorer generates no code over these rows, so it plans its own copy of the query with
 * the limit raised to the query's width, for as long as planning takes.
 */
final class ColumnarRows {
    private ColumnarRows() {
    }

    /** The query's rows, partition by partition through {@code f}: from column batches where the plan allows. */
    static JavaRDD<InternalRow> mapPartitions(Dataset<Row> query,
                                              FlatMapFunction<Iterator<InternalRow>, InternalRow> f) {
        // the scan's RDD is made while the raised limit holds: the reader it builds checks the limit again
        Batches in = withWideScans(query, planned -> {
            Columnar c = columnar(planned);
            return c == null ? null : new Batches(c.scan().executeColumnar().toJavaRDD(), c.ordinals());
        });
        if (in == null) {
            return query.queryExecution().toRdd().toJavaRDD().mapPartitions(f);
        }
        int[] ordinals = in.ordinals();
        return in.rdd().mapPartitions(batches -> f.call(new BatchRows(batches, ordinals)));
    }

    /** Whether {@link #mapPartitions} reads the query's rows from column batches. */
    static boolean readsBatches(Dataset<Row> query) {
        return withWideScans(query, ColumnarRows::columnar) != null;
    }

    /** A scan's column batches and, for each output column of the query, the batch column that holds it. */
    private record Batches(JavaRDD<ColumnarBatch> rdd, int[] ordinals) {
    }

    private static final String MAX_FIELDS = "spark.sql.codegen.maxFields";

    /**
     * {@code planning} of the query, re-planned with the session's column limit for batch scans raised to the
     * query's width when it is wider, then the setting as it was. The session's conf is shared: another query
     * planned in these milliseconds may see the raised limit, which only lets it generate code for wider rows
     * (Spark falls back to interpreted rows when that code is too big).
     */
    private static <T> T withWideScans(Dataset<Row> query, java.util.function.Function<Dataset<Row>, T> planning) {
        org.apache.spark.sql.RuntimeConfig conf = query.sparkSession().conf();
        scala.Option<String> before = conf.getOption(MAX_FIELDS);
        int width = query.schema().size() + 1; // + a partition column the scan may add
        if (width <= Integer.parseInt(conf.get(MAX_FIELDS))) {
            return planning.apply(query);
        }
        conf.set(MAX_FIELDS, width);
        try {
            return planning.apply(replanned(query));
        } finally {
            if (before.isDefined()) {
                conf.set(MAX_FIELDS, before.get());
            } else {
                conf.unset(MAX_FIELDS);
            }
        }
    }

    /** The query planned afresh (under the conf in force now), not its plan as first made. */
    private static Dataset<Row> replanned(Dataset<Row> query) {
        return org.apache.spark.sql.Dataset$.MODULE$.ofRows(query.sparkSession(), query.logicalPlan());
    }

    /** A columnar scan and, for each output column of the query, the scan's column that holds it. */
    private record Columnar(SparkPlan scan, int[] ordinals) {
    }

    private static Columnar columnar(Dataset<Row> query) {
        SparkPlan plan = query.queryExecution().executedPlan();
        List<Attribute> wanted = seqAsJavaList(plan.output());
        if (plan instanceof WholeStageCodegenExec w) {
            plan = w.child();
        }
        if (plan instanceof ProjectExec p) {
            for (NamedExpression e : seqAsJavaList(p.projectList())) {
                if (!(e instanceof AttributeReference)) {
                    return null;
                }
            }
            plan = p.child();
        }
        if (plan instanceof InputAdapter a) {
            plan = a.child();
        }
        if (!(plan instanceof ColumnarToRowExec c) || !c.child().supportsColumnar()) {
            return null;
        }
        SparkPlan scan = c.child();
        List<Attribute> available = seqAsJavaList(scan.output());
        int[] ordinals = new int[wanted.size()];
        for (int i = 0; i < ordinals.length; i++) {
            ordinals[i] = -1;
            for (int j = 0; j < available.size(); j++) {
                if (available.get(j).exprId().equals(wanted.get(i).exprId())) {
                    ordinals[i] = j;
                }
            }
            if (ordinals[i] < 0) {
                return null;
            }
        }
        return new Columnar(scan, ordinals);
    }

    /**
     * The rows of consecutive batches, with the batches' columns picked and ordered as the query's output. Besides
     * row by row, a reader that can copy columns ({@link FeatureReader#readColumns}) takes a run of the current
     * batch's rows at once ({@link #take}).
     */
    static final class BatchRows implements Iterator<InternalRow> {
        private final Iterator<ColumnarBatch> batches;
        private final int[] ordinals;
        private ColumnarBatch current;
        private int position;

        BatchRows(Iterator<ColumnarBatch> batches, int[] ordinals) {
            this.batches = batches;
            this.ordinals = ordinals;
        }

        @Override
        public boolean hasNext() {
            while ((current == null || position >= current.numRows()) && batches.hasNext()) {
                ColumnarBatch b = batches.next();
                ColumnVector[] picked = new ColumnVector[ordinals.length];
                for (int i = 0; i < picked.length; i++) {
                    picked[i] = b.column(ordinals[i]);
                }
                current = new ColumnarBatch(picked, b.numRows());
                position = 0;
            }
            return current != null && position < current.numRows();
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.getRow(position++); // a view, reused by the batch
        }

        /**
         * Takes up to {@code max} of the current batch's rows (at least one while rows are left): their features
         * through {@code reader}, by column, and each row's pass-through columns (the first ones) as its own copy.
         * Returns the rows taken.
         */
        int take(int max, FeatureReader reader, int passCount, UnsafeProjection pass, UnsafeRow[] passRows,
                 int firstRow, float[] dest, int rowSize) {
            if (!hasNext()) {
                return 0;
            }
            int count = Math.min(max, current.numRows() - position);
            reader.readColumns(current, passCount, position, count, dest, firstRow * rowSize);
            for (int i = 0; i < count; i++) {
                passRows[firstRow + i] = pass.apply(current.getRow(position + i)).copy();
            }
            position += count;
            return count;
        }
    }
}
