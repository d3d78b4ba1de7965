package dev.lakead.monitoring;

/**
 * Distribution-shift statistics between a reference histogram and a recent one, both counted on the same
 * reference-quantile grid (so every grid bin holds about the same share of the reference).
 */
public final class DriftStatistics {
    private static final double FLOOR = 1e-4; // empty bins: avoids log(0) in PSI

    private DriftStatistics() {
    }

    /**
     * Kolmogorov–Smirnov distance max |F_ref − F_recent|, evaluated at the grid's cut points (an approximation of
     * the exact statistic that is within one grid bin's reference mass of it).
     */
    public static double ks(long[] reference, long[] recent) {
        double nr = sum(reference);
        double nc = sum(recent);
        if (nr == 0 || nc == 0) {
            return Double.NaN;
        }
        double cr = 0;
        double cc = 0;
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            cr += reference[i];
            cc += recent[i];
            max = Math.max(max, Math.abs(cr / nr - cc / nc));
        }
        return max;
    }

    /**
     * Population stability index Σ (p_recent − p_ref) · ln(p_recent / p_ref) over {@code bins} groups of
     * consecutive grid bins (reference deciles for 10).
     */
    public static double psi(long[] reference, long[] recent, int bins) {
        double nr = sum(reference);
        double nc = sum(recent);
        if (nr == 0 || nc == 0) {
            return Double.NaN;
        }
        double psi = 0;
        int n = reference.length;
        for (int b = 0; b < bins; b++) {
            int from = (int) ((long) b * n / bins);
            int to = (int) ((long) (b + 1) * n / bins);
            double r = 0;
            double c = 0;
            for (int i = from; i < to; i++) {
                r += reference[i];
                c += recent[i];
            }
            double pr = Math.max(r / nr, FLOOR);
            double pc = Math.max(c / nc, FLOOR);
            psi += (pc - pr) * Math.log(pc / pr);
        }
        return psi;
    }

    public static double sumOf(long[] h) {
        return sum(h);
    }

    static double sum(long[] h) {
        double s = 0;
        for (long v : h) {
            s += v;
        }
        return s;
    }
}
