package dev.lakead.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/** A block of rows as a plain float matrix (row-major): cheap to cache, ship and turn into an INDArray. */
public record MiniBatch(float[] data, int rows, int cols) implements Serializable {

    public INDArray toArray() {
        return Nd4j.create(data, new long[]{rows, cols}, 'c');
    }
}
