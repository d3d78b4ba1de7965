package dev.lakead.models.batch;

import dev.lakead.features.ScalingPlan;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Raw numeric feature columns, imputed and scaled with the bundle's {@link ScalingPlan} as they are copied
 * into the batch buffer, from rows or straight from a scan's column vectors (one tight loop per column, no null
 * check for a column without nulls); null, NaN and infinite values are counted into the audit's counter, if any.
 */
final class RawColumns implements FeatureReader {
    /** Rows per tile of the column-by-column copy: a few KiB of the buffer, so a tile stays in the L1/L2 cache. */
    private static final int TILE_ROWS = 256;
    private final ScalingPlan plan;
    private final Kind[] kinds;
    private final UnusableValues counts;
    private final int width;
    private transient boolean[] unusableRows; // per batch: which of the copied rows had an unusable value

    /** How a column's values are read; other numeric types are cast to double in the query. */
    enum Kind {
        DOUBLE, FLOAT, LONG, INT, SHORT, BYTE;

        /** The kind that reads {@code type} as it is, or null when it must be cast to double first. */
        static Kind of(DataType type) {
            return type.equals(DataTypes.DoubleType) ? DOUBLE : type.equals(DataTypes.FloatType) ? FLOAT
                    : type.equals(DataTypes.LongType) ? LONG : type.equals(DataTypes.IntegerType) ? INT
                    : type.equals(DataTypes.ShortType) ? SHORT : type.equals(DataTypes.ByteType) ? BYTE : null;
        }
    }

    RawColumns(ScalingPlan plan, Kind[] kinds, UnusableValues counts) {
        this.plan = plan;
        this.kinds = kinds;
        this.counts = counts;
        this.width = plan.width();
    }

    @Override
    public void read(InternalRow row, int first, float[] dest, int off) {
        boolean any = false;
        for (int j = 0; j < width; j++) {
            int c = first + j;
            double raw = row.isNullAt(c) ? Double.NaN : switch (kinds[j]) {
                case DOUBLE -> row.getDouble(c);
                case FLOAT -> row.getFloat(c);
                case LONG -> row.getLong(c);
                case INT -> row.getInt(c);
                case SHORT -> row.getShort(c);
                case BYTE -> row.getByte(c);
            };
            if (!Double.isFinite(raw)) {
                any = true;
                if (counts != null) {
                    counts.unusable(j);
                }
            }
            dest[off + j] = (float) plan.apply(j, raw);
        }
        if (counts != null) {
            counts.row(any);
        }
    }

    @Override
    public boolean readsColumns() {
        return true;
    }

    @Override
    public void readColumns(ColumnarBatch batch, int first, int from, int count, float[] dest, int off) {
        if (counts != null && (unusableRows == null || unusableRows.length < count)) {
            unusableRows = new boolean[count];
        }
        if (counts != null) {
            java.util.Arrays.fill(unusableRows, 0, count, false);
        }
        ColumnVector[] vectors = new ColumnVector[width];
        boolean[] nulls = new boolean[width];
        for (int j = 0; j < width; j++) {
            vectors[j] = batch.column(first + j);
            nulls[j] = vectors[j].hasNull();
        }
        // tiles of rows, column by column within a tile: the tile's rows of the (row-major) buffer stay in the
        // cache while every column is written into them
        for (int tile = 0; tile < count; tile += TILE_ROWS) {
            int tileEnd = Math.min(count, tile + TILE_ROWS);
            for (int j = 0; j < width; j++) {
                int at = off + tile * width + j;
                // a float or double column without nulls in one tight loop; again with counting when it held a
                // NaN or an infinity that the audit must count
                boolean copied = !nulls[j] && (kinds[j] == Kind.FLOAT
                        ? copyFloats(vectors[j], j, from + tile, from + tileEnd, dest, at)
                        : kinds[j] == Kind.DOUBLE && copyDoubles(vectors[j], j, from + tile, from + tileEnd, dest, at));
                if (!copied) {
                    copyChecked(vectors[j], j, from, tile, tileEnd, dest, at);
                }
            }
        }
        if (counts != null) {
            for (int i = 0; i < count; i++) {
                counts.row(unusableRows[i]);
            }
        }
    }

    /**
     * A float column's rows [from, to) scaled into every width-th place of dest from at (a non-finite value imputed);
     * false when one was not finite and the audit counts such values, so that the caller copies again, counting.
     */
    private boolean copyFloats(ColumnVector v, int j, int from, int to, float[] dest, int at) {
        double fill = plan.fill()[j];
        double shift = plan.shift()[j];
        double factor = plan.factor()[j];
        double offset = plan.offset()[j];
        boolean finite = true;
        for (int r = from; r < to; r++, at += width) {
            float x = v.getFloat(r);
            boolean ok = Float.isFinite(x);
            finite &= ok;
            dest[at] = (float) (((ok ? x : fill) - shift) * factor + offset);
        }
        return finite || counts == null;
    }

    /**
     * As {@link #copyFloats}, for a double column. Two methods, not one with the type as a flag: a type test inside
     * the loop kept the float copy at 6.1 ns a value against 2.1 (the JIT did not take it out of the loop).
     */
    private boolean copyDoubles(ColumnVector v, int j, int from, int to, float[] dest, int at) {
        double fill = plan.fill()[j];
        double shift = plan.shift()[j];
        double factor = plan.factor()[j];
        double offset = plan.offset()[j];
        boolean finite = true;
        for (int r = from; r < to; r++, at += width) {
            double x = v.getDouble(r);
            boolean ok = Double.isFinite(x);
            finite &= ok;
            dest[at] = (float) (((ok ? x : fill) - shift) * factor + offset);
        }
        return finite || counts == null;
    }

    /** Rows [from + tile, from + tileEnd) of column j of any kind, nulls and unusable values counted and imputed. */
    private void copyChecked(ColumnVector v, int j, int from, int tile, int tileEnd, float[] dest, int at) {
        boolean hasNulls = v.hasNull();
        Kind kind = kinds[j];
        for (int i = tile; i < tileEnd; i++, at += width) {
            int r = from + i;
            double raw;
            if (hasNulls && v.isNullAt(r)) {
                raw = Double.NaN;
            } else {
                raw = switch (kind) {
                    case DOUBLE -> v.getDouble(r);
                    case FLOAT -> v.getFloat(r);
                    case LONG -> v.getLong(r);
                    case INT -> v.getInt(r);
                    case SHORT -> v.getShort(r);
                    case BYTE -> v.getByte(r);
                };
            }
            if (counts != null && !Double.isFinite(raw)) {
                counts.unusable(j);
                unusableRows[i] = true;
            }
            dest[at] = (float) plan.apply(j, raw);
        }
    }
}
