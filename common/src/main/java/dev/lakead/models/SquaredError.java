package dev.lakead.models;

/**
 * Σ (a - b)² over a range of two float arrays, summed in double: the Autoencoder's score per row and its training
 * loss, computed on host copies. One plain loop: the JIT vectorises it (0.55 ns a value); four hand-unrolled running
 * sums measured 1.4 to 1.8 times slower.
 */
public final class SquaredError {
    private SquaredError() {
    }

    /** Σ (a[i] - b[i])² for i in [from, to). */
    public static double sum(float[] a, float[] b, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
