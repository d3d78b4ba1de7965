package dev.lakead.models.batch;

import java.io.Serializable;

/**
 * Rows per network call: a fixed count (score.batch-size = N), or adapted to the row's size (auto) so that a batch
 * holds about {@value #FLOATS_PER_BATCH} floats. Narrow tables want more rows per batch: each batch costs a fixed
 * number of ND4J calls whatever its width. But not more floats: a batch and the layers' buffers should stay in a
 * core's cache, and 8 MiB batches scored 10 % slower than 2 MiB ones at 64 features (bench/README, memory).
 *
 * @param fixedRows the explicit row count, or 0 to adapt
 */
public record BatchRows(int fixedRows) implements Serializable {
    /** 2 MiB of input floats: 8,192 rows of 64 features, 668 of 784; each task holds one such batch. */
    public static final int FLOATS_PER_BATCH = 1 << 19;
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
