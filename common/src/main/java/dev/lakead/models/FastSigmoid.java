package dev.lakead.models;

/**
 * The logistic sigmoid over float arrays in plain Java arithmetic that the JIT turns into vector instructions:
 * σ(x) = ½ + ½ tanh(x / 2), tanh by Eigen's single-precision rational approximation (the one TensorFlow and ONNX
 * Runtime use), clamped to ±7.9053 where it reaches ±1 in float.
 *
 * <p>Why: ND4J's {@code Sigmoid} op computes one exponential at a time, 2.3 ns a value on one thread, a quarter of a
 * 64-wide Autoencoder's forward pass; this loop takes 0.46 ns (AVX-512; no {@code exp}, no casts, so it vectorizes
 * on any SIMD CPU). It differs from the exact sigmoid by at most 2e-7 (from ND4J's by 2.4e-7), below the float
 * resolution of the scores it feeds. NaN stays NaN.
 */
public final class FastSigmoid {
    private static final float CLAMP = 7.90531110763549805f;

    private FastSigmoid() {
    }

    /** {@code values[0, n)} replaced by their sigmoid. */
    public static void applyInPlace(float[] values, int n) {
        for (int i = 0; i < n; i++) {
            values[i] = of(values[i]);
        }
    }

    /** σ(x); inlined into the loops above, where it vectorizes. */
    public static float of(float x) {
        float t = Math.min(CLAMP, Math.max(-CLAMP, 0.5f * x));
        float t2 = t * t;
        float p = -2.76076847742355e-16f;
        p = p * t2 + 2.00018790482477e-13f;
        p = p * t2 + -8.60467152213735e-11f;
        p = p * t2 + 5.12229709037114e-08f;
        p = p * t2 + 1.48572235717979e-05f;
        p = p * t2 + 6.37261928875436e-04f;
        p = p * t2 + 4.89352455891786e-03f;
        p = p * t;
        float q = 1.19825839466702e-06f;
        q = q * t2 + 1.18534705686654e-04f;
        q = q * t2 + 2.26843463243900e-03f;
        q = q * t2 + 4.89352518554385e-03f;
        return 0.5f + 0.5f * (p / q);
    }
}
