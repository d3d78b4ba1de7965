package dev.lakead.models.batch;

import java.io.Serializable;

/**
 * Rows per network call: a fixed count (score.batch-size = N), or adapted to the row's size (auto) so that a batch
 * holds about {@value #FLOATS_PER_BATCH} floats. Narrow tables want large batches: each batch costs a fixed number of
 * ND4J calls whatever its width, and at 64 features 4,096-row batches left those calls a large share of the time.
 *
 * @param fixedRows the explicit row count, or 0 to adapt
 */
public record BatchRows(int fixedRows) implements Serializable {
    /** 8 MiB of input floats: 32,768 rows of 64 features, 2,674 of 784; each task holds one such batch. */
    public static final int FLOATS_PER_BATCH = 1 << 21;
    static final int MIN_ROWS = 64;
    static final int MAX_ROWS = 32_768;
    public static final BatchRows ADAPTIVE = new BatchRows(0);

    public BatchRows {
        if (fixedRows < 0) {
            throw new IllegalArgumentException("rows per batch must be positive, got " + fixedRows);
        }
    }

    public static BatchRows fixed(int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows per batch must be positive, got " + rows);
        }
        return new BatchRows(rows);
    }

    /** The rows per batch for rows of {@code floatsPerRow} model inputs each (features × steps for windows). */
    public int rowsFor(long floatsPerRow) {
        if (fixedRows > 0) {
            return fixedRows;
        }
        long rows = FLOATS_PER_BATCH / Math.max(1, floatsPerRow);
        return (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, rows));
    }

    @Override
    public String toString() {
        return fixedRows > 0 ? String.valueOf(fixedRows) : "auto";
    }
}
