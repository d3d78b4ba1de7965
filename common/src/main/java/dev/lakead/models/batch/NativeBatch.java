package dev.lakead.models.batch;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch's model input: rows are written into a Java array, then copied into one ND4J array kept between batches
 * in one bulk copy ({@code Nd4j.create(float[])} copied value by value and allocated per batch: about as much time
 * as the network itself on a 64-wide table).
 */
final class NativeBatch {
    private final float[] host;
    private final long[] rowShape;
    private final int rowSize;
    private final int capacity;
    private final INDArray full;

    NativeBatch(int capacity, long[] rowShape) {
        this.capacity = capacity;
        this.rowShape = rowShape;
        long size = 1;
        for (long d : rowShape) {
            size *= d;
        }
        this.rowSize = Math.toIntExact(size);
        this.host = new float[Math.multiplyExact(capacity, rowSize)];
        this.full = Nd4j.createUninitialized(DataType.FLOAT, shape(capacity), 'c');
    }

    /** Where row i's inputs go: {@code host()[i * rowSize() ...]}. */
    float[] host() {
        return host;
    }

    int rowSize() {
        return rowSize;
    }

    int capacity() {
        return capacity;
    }

    /** The first {@code rows} rows as an ND4J array: the kept one for a full batch, a new one for a shorter last. */
    INDArray upload(int rows) {
        INDArray target = rows == capacity ? full : Nd4j.createUninitialized(DataType.FLOAT, shape(rows), 'c');
        target.data().asNioFloat().put(host, 0, rows * rowSize);
        Nd4j.getAffinityManager().tagLocation(target, AffinityManager.Location.HOST); // CUDA: the host copy is new
        return target;
    }

    private long[] shape(int rows) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }
}
