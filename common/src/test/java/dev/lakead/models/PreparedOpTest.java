package dev.lakead.models;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PreparedOpTest {

    /** A prepared op reads its arrays when it runs, not when it was built: a trainer refills them every step. */
    @Test
    void gemmRunsOverTheArraysCurrentValuesWithItsTransposesAndScales() {
        Nd4j.getRandom().setSeed(7);
        INDArray a = Nd4j.rand(DataType.FLOAT, 5, 3).dup('f'); // used as aᵀ: [3, 5]
        INDArray b = Nd4j.rand(DataType.FLOAT, 5, 4).dup('f');
        INDArray c = Nd4j.rand(DataType.FLOAT, 3, 4).dup('f');
        PreparedOp gemm = PreparedOp.gemm(a, b, c, true, false, 0.5, 2.0);
        for (int run = 0; run < 3; run++) {
            INDArray expected = a.transpose().mmul(b).muli(0.5).addi(c.mul(2.0));
            gemm.run();
            assertEquals(expected, c, "run " + run);
            a.addi(1.0); // new values in the same buffer, as a trainer's next batch
        }
    }

    @Test
    void customAndLegacyOpsMatchTheirOneOffRuns() {
        INDArray x = Nd4j.createFromArray(new float[]{-2f, -0.5f, 0f, 1.5f, 3f}).reshape(1, 5);
        INDArray y = Nd4j.createFromArray(new float[]{1f, 2f, 3f, 4f, 5f}).reshape(1, 5);
        INDArray product = Nd4j.createUninitialized(DataType.FLOAT, 1, 5);
        INDArray relu = Nd4j.createUninitialized(DataType.FLOAT, 1, 5);
        PreparedOp mul = PreparedOp.of(new MulOp(x, y, product));
        PreparedOp rectify = PreparedOp.of(new RectifiedLinear(x, relu, 0.0));
        for (int run = 0; run < 2; run++) {
            mul.run();
            rectify.run();
            assertEquals(x.mul(y), product);
            assertEquals(Nd4j.exec(new RectifiedLinear(x, x.ulike(), 0.0)), relu);
            x.muli(-1.0);
        }
    }

    @Test
    void gemmRefusesAViewAsItsResult() {
        INDArray a = Nd4j.ones(DataType.FLOAT, 2, 2);
        INDArray view = Nd4j.zeros(DataType.FLOAT, 4, 4).get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2));
        assertThrows(IllegalArgumentException.class, () -> PreparedOp.gemm(a, a, view, false, false, 1, 0));
    }
}
