package dev.lakead.models;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J op built once over arrays that stay put (a trainer's buffers and parameter views) and run many times.
 *
 * <p>Why: {@code Nd4j.exec(new MulOp(...))} builds the op (a UUID string among it), a native op context with a
 * deallocator and a dozen pointer objects on every call: 5-15 µs of overhead against about 1 µs for a prepared op,
 * and garbage whose reference processing lengthened young GC pauses to 20-50 ms in a training loop of about 45 ops
 * a step. A custom op runs through the context built here ({@code exec(op, context)}, as SameDiff runs its ops);
 * a legacy op (scalar, transform) carries its arrays itself and is simply run again. Both are ND4J's own executioner
 * calls, so this works on every backend.
 */
public final class PreparedOp implements Runnable {
    private final DynamicCustomOp custom;
    private final OpContext context;
    private final Op legacy;

    private PreparedOp(DynamicCustomOp custom, OpContext context, Op legacy) {
        this.custom = custom;
        this.context = context;
        this.legacy = legacy;
    }

    /** A custom op with its inputs and outputs set: its context is built now, with the op's arguments. */
    public static PreparedOp of(DynamicCustomOp op) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(op.inputArguments());
        context.setOutputArrays(op.outputArguments());
        context.setIArguments(op.iArgs());
        context.setTArguments(op.tArgs());
        context.setBArguments(op.bArgs());
        context.setDArguments(op.dArgs());
        return new PreparedOp(op, context, null);
    }

    /** A legacy op (scalar, transform, pairwise) with its x, y and z set. */
    public static PreparedOp of(Op op) {
        if (op instanceof DynamicCustomOp custom) {
            return of(custom);
        }
        return new PreparedOp(null, null, op);
    }

    /**
     * c = alpha·op(a)·op(b) + beta·c, as {@link Nd4j#gemm(INDArray, INDArray, INDArray, boolean, boolean, double,
     * double)} runs it; c must not be a view.
     */
    public static PreparedOp gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB,
                                  double alpha, double beta) {
        if (c.elementWiseStride() != 1) {
            throw new IllegalArgumentException("gemm's result array must not be a view");
        }
        return of(new Mmul(a, b, c, alpha, beta,
                MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    @Override
    public void run() {
        if (custom != null) {
            Nd4j.getExecutioner().exec(custom, context);
        } else {
            Nd4j.getExecutioner().exec(legacy);
        }
    }
}
