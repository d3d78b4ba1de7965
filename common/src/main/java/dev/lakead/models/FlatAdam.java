package dev.lakead.models;

import dev.lakead.training.TinyMoments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Adam over one flat float parameter vector, in place: {@code params -= update(gradient)}, with DL4J's formula
 * (libnd4j's {@code adamUpdater}: the bias correction folded into the step size).
 *
 * <p>Why two ways: on the CPU backend ND4J's native Adam op took 3.2 ms a step for 485,000 parameters on one
 * thread, a plain Java loop over heap arrays 0.3 ms plus 0.14 ms per copy in and out (bench/README, perf.sh), so
 * there the moments live on the heap and the update is a loop. Other backends keep the op, so the data stays on the
 * device. Not thread-safe.
 */
public final class FlatAdam {
    /** Steps between flushes of tiny moments ({@link TinyMoments}). */
    private static final int FLUSH_EVERY = 32;

    private final DenseStack.Optimiser optimiser;
    private final INDArray params;
    private final INDArray gradient;
    private final Moments moments;
    private int iteration;

    private FlatAdam(DenseStack.Optimiser optimiser, INDArray params, INDArray gradient, boolean inJava) {
        if (params.dataType() != DataType.FLOAT || gradient.dataType() != DataType.FLOAT
                || params.length() != gradient.length() || params.isView() || gradient.isView()) {
            throw new IllegalArgumentException("FlatAdam needs two whole float vectors of one length");
        }
        this.optimiser = optimiser;
        this.params = params;
        this.gradient = gradient;
        this.moments = inJava ? new HeapMoments((int) params.length()) : new DeviceMoments(params.length());
    }

    /** Adam for {@code params} and the {@code gradient} buffer beside it, in the faster way for this backend. */
    public static FlatAdam of(DenseStack.Optimiser optimiser, INDArray params, INDArray gradient) {
        return new FlatAdam(optimiser, params, gradient, Nd4j.getEnvironment().isCPU());
    }

    /** As {@link #of}, choosing the way: {@code inJava} the heap loop, else ND4J's op (for tests of both). */
    static FlatAdam of(DenseStack.Optimiser optimiser, INDArray params, INDArray gradient, boolean inJava) {
        return new FlatAdam(optimiser, params, gradient, inJava);
    }

    /** One step: reads the gradient buffer (left changed), updates the parameters in place. */
    public void step() {
        moments.step(iteration);
        iteration++;
        if (iteration % FLUSH_EVERY == 0) {
            moments.flushTiny();
        }
    }

    /**
     * Says the parameters were written by someone else since the last step (a new average): the next step reads them
     * again. Between steps this optimiser is their only writer, so it keeps its own copy and saves a read a step.
     */
    public void paramsReplaced() {
        moments.paramsReplaced();
    }

    /** Sets moments below 1e-30 to zero ({@link TinyMoments} says why); {@link #step} does it every 32 steps. */
    public void flushTinyMoments() {
        moments.flushTiny();
    }

    /** Copies of the first and second moments (for tests). */
    public float[][] moments() {
        return moments.copy();
    }

    /** Replaces the moments (for tests). */
    public void setMoments(float[] m, float[] v) {
        moments.set(m, v);
    }

    /** The two ways of keeping the moments and stepping. */
    private interface Moments {
        void step(int iteration);

        void flushTiny();

        float[][] copy();

        void set(float[] m, float[] v);

        default void paramsReplaced() {
        }
    }

    /**
     * The moments on the heap; the step copies the gradient in (and the parameters, when replaced since the last
     * step), loops, and copies the parameters out.
     */
    private final class HeapMoments implements Moments {
        private final float[] m;
        private final float[] v;
        private final float[] g;
        private final float[] p;
        private boolean paramsCurrent; // p equals the parameters: no one else wrote them since the last step

        HeapMoments(int n) {
            m = new float[n];
            v = new float[n];
            g = new float[n];
            p = new float[n];
        }

        @Override
        public void step(int iteration) {
            FloatBuffer gradientBuffer = gradient.data().asNioFloat();
            FloatBuffer paramsBuffer = params.data().asNioFloat();
            gradientBuffer.get(0, g);
            if (!paramsCurrent) {
                paramsBuffer.get(0, p);
                paramsCurrent = true;
            }
            float b1 = (float) optimiser.beta1();
            float b2 = (float) optimiser.beta2();
            float eps = (float) optimiser.epsilon();
            float stepSize = (float) stepSize(iteration);
            float[] m = this.m;
            float[] v = this.v;
            float[] g = this.g;
            float[] p = this.p;
            for (int i = 0; i < p.length; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + gi * (1 - b1);
                float vi = b2 * v[i] + gi * gi * (1 - b2);
                m[i] = mi;
                v[i] = vi;
                p[i] -= mi * stepSize / ((float) Math.sqrt(vi) + eps);
            }
            paramsBuffer.put(0, p);
        }

        @Override
        public void paramsReplaced() {
            paramsCurrent = false;
        }

        @Override
        public void flushTiny() {
            TinyMoments.flush(m);
            TinyMoments.flush(v);
        }

        @Override
        public float[][] copy() {
            return new float[][]{m.clone(), v.clone()};
        }

        @Override
        public void set(float[] m, float[] v) {
            System.arraycopy(m, 0, this.m, 0, this.m.length);
            System.arraycopy(v, 0, this.v, 0, this.v.length);
        }
    }

    /** The moments in ND4J arrays, stepped by ND4J's Adam op. */
    private final class DeviceMoments implements Moments {
        private final INDArray m;
        private final INDArray v;

        DeviceMoments(long n) {
            m = Nd4j.zeros(DataType.FLOAT, 1, n);
            v = Nd4j.zeros(DataType.FLOAT, 1, n);
        }

        @Override
        public void step(int iteration) {
            INDArray g = gradient.reshape(1, gradient.length());
            Nd4j.exec(new AdamUpdater(g, v, m, optimiser.learningRate(), optimiser.beta1(), optimiser.beta2(),
                    optimiser.epsilon(), iteration));
            params.subi(gradient);
        }

        @Override
        public void flushTiny() {
            TinyMoments.flush(m);
            TinyMoments.flush(v);
        }

        @Override
        public float[][] copy() {
            return new float[][]{m.toFloatVector(), v.toFloatVector()};
        }

        @Override
        public void set(float[] m, float[] v) {
            this.m.data().setData(m);
            this.v.data().setData(v);
        }
    }

    /** libnd4j's α·√(1 − β2^t) / (1 − β1^t) for step t = iteration + 1, ε when that is not finite or zero. */
    private double stepSize(int iteration) {
        double t = iteration + 1.0;
        double s = optimiser.learningRate() * Math.sqrt(1 - Math.pow(optimiser.beta2(), t))
                / (1 - Math.pow(optimiser.beta1(), t));
        return Double.isFinite(s) && s != 0 ? s : optimiser.epsilon();
    }
}
