package dev.lakead.thresholds;

import dev.lakead.LakeadException;

import java.util.Arrays;

/**
 * Peaks-over-threshold (POT) of Siffer et al., "Anomaly Detection in Streams with Extreme Value Theory" (KDD 2017):
 * the scores above an initial high quantile {@code t} of the normal scores are modelled by a Generalised Pareto
 * Distribution (shape γ, scale σ), and the threshold is the score exceeded with probability {@code risk}:
 * <pre>  z_q = t + σ/γ · ((q·n / N_t)^(−γ) − 1)      (γ = 0: t − σ · ln(q·n / N_t))</pre>
 * with n the number of scores and N_t the number of peaks. The GPD is fitted by maximum likelihood with Grimshaw's
 * trick, as in the paper: the MLE solves u(x)·v(x) = 1 with u(x) = 1 + mean ln(1 + x·Y), v(x) = mean 1/(1 + x·Y)
 * (Y the excesses), a one-dimensional equation whose roots (x ∈ (−1/max Y, 0) ∪ (0, ∞)) give γ = u(x) − 1 and
 * σ = γ/x; the root (or γ = 0, the exponential) of highest likelihood wins (Grimshaw 1993 bounds the roots). Roots are found by a sign scan on a
 * grid, then bisection (no numerical library needed).
 */
public final class PeaksOverThreshold {
    /** Fewer peaks than this give no usable fit: the threshold is then the initial quantile itself. */
    public static final int MIN_PEAKS = 5;
    private static final int GRID = 400;

    /** A fitted GPD over the initial threshold {@code t}: {@code peaks} excesses out of {@code n} scores. */
    public record Fit(double t, double gamma, double sigma, int peaks, long n) {
        /** The score exceeded with probability {@code risk} (the initial threshold when there are too few peaks). */
        public double quantile(double risk) {
            if (peaks < MIN_PEAKS || sigma <= 0) {
                return t;
            }
            double r = risk * n / peaks;
            if (r >= 1) {
                return t; // the risk is not beyond the initial quantile: t is already the answer
            }
            return Math.abs(gamma) < 1e-9 ? t - sigma * Math.log(r) : t + sigma / gamma * (Math.pow(r, -gamma) - 1);
        }
    }

    private PeaksOverThreshold() {
    }

    /** Checks risk and initial quantile, naming the settings. */
    public static void validate(double initialQuantile, double risk) {
        if (!(initialQuantile > 0 && initialQuantile < 1)) {
            throw new LakeadException("Setting 'threshold.pot.initial-quantile' must be in (0, 1), got "
                    + initialQuantile);
        }
        if (!(risk > 0 && risk < 1 - initialQuantile)) {
            throw new LakeadException("Setting 'threshold.pot.risk' must be in (0, 1 - threshold.pot.initial-quantile"
                    + " = " + (1 - initialQuantile) + "), got " + risk);
        }
    }

    /** Fits the GPD to {@code scores} above their {@code initialQuantile} (empirical, the lower order statistic). */
    public static Fit fit(double[] scores, double initialQuantile) {
        if (scores.length == 0) {
            throw new LakeadException("Cannot set a POT threshold: there are no scores");
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double t = sorted[Math.max(0, Math.min(sorted.length - 1,
                (int) Math.ceil(initialQuantile * sorted.length) - 1))];
        double[] excesses = Arrays.stream(sorted).filter(v -> v > t).map(v -> v - t).toArray();
        return fitExcesses(t, excesses, sorted.length);
    }

    /** Fits the GPD to the {@code excesses} (all &gt; 0) over {@code t} among {@code n} scores. */
    public static Fit fitExcesses(double t, double[] excesses, long n) {
        if (excesses.length < MIN_PEAKS) {
            return new Fit(t, 0, 0, excesses.length, n);
        }
        double[] gs = grimshaw(excesses);
        return new Fit(t, gs[0], gs[1], excesses.length, n);
    }

    /** {γ, σ} of the GPD maximum-likelihood fit of positive excesses (Grimshaw's reduction). */
    static double[] grimshaw(double[] y) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        double mean = 0;
        for (double v : y) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            mean += v / y.length;
        }
        double[] best = {0, mean};
        double bestLl = logLikelihood(y, 0, mean);
        if (max <= 0 || min <= 0 || max - min < 1e-12 * max) {
            return best; // all excesses (nearly) equal: the exponential is as good as anything
        }
        // Grimshaw's bounds on the roots: x in (−1/max, 0) (γ < 0) and (0, 2(ȳ−min)/min²] (γ > 0), scanned on grids
        // that are logarithmic in |x| so that roots near 0 and far out are both found
        double lo = Math.max(1e-12, 1e-8 / max);
        double[] negative = logGrid(lo, (1 - 1e-9) / max, true);
        double[] positive = logGrid(lo, 2 * (mean - min) / (min * min), false);
        for (double[] grid : new double[][]{negative, positive}) {
            for (double x : roots(y, grid)) {
                double gamma = u(y, x) - 1;
                double sigma = gamma / x;
                if (!(sigma > 0)) {
                    continue;
                }
                double ll = logLikelihood(y, gamma, sigma);
                if (ll > bestLl) {
                    bestLl = ll;
                    best = new double[]{gamma, sigma};
                }
            }
        }
        return best;
    }

    /** {@code GRID + 1} points from {@code from} to {@code to} (both &gt; 0), evenly spaced in log; negated. */
    private static double[] logGrid(double from, double to, boolean negate) {
        if (!(to > from)) {
            return new double[0];
        }
        double[] g = new double[GRID + 1];
        for (int i = 0; i <= GRID; i++) {
            double x = from * Math.pow(to / from, (double) i / GRID);
            g[negate ? GRID - i : i] = negate ? -x : x;
        }
        return g;
    }

    /** Sign changes of w(x) = u(x)·v(x) − 1 between consecutive grid points, each refined by bisection. */
    private static double[] roots(double[] y, double[] grid) {
        double[] found = new double[grid.length];
        int count = 0;
        for (int i = 1; i < grid.length; i++) {
            double w0 = w(y, grid[i - 1]);
            double w1 = w(y, grid[i]);
            if (Double.isFinite(w0) && Double.isFinite(w1) && w0 != 0 && Math.signum(w0) != Math.signum(w1)) {
                found[count++] = bisect(y, grid[i - 1], grid[i], w0);
            }
        }
        return Arrays.copyOf(found, count);
    }

    private static double bisect(double[] y, double lo, double hi, double wLo) {
        for (int i = 0; i < 100 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); i++) {
            double mid = (lo + hi) / 2;
            double wm = w(y, mid);
            if (Math.signum(wm) == Math.signum(wLo)) {
                lo = mid;
                wLo = wm;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double w(double[] y, double x) {
        return u(y, x) * v(y, x) - 1;
    }

    private static double u(double[] y, double x) {
        double s = 0;
        for (double v : y) {
            s += Math.log1p(x * v);
        }
        return 1 + s / y.length;
    }

    private static double v(double[] y, double x) {
        double s = 0;
        for (double v : y) {
            s += 1 / (1 + x * v);
        }
        return s / y.length;
    }

    /** GPD log-likelihood of the excesses; −∞ outside the support. */
    static double logLikelihood(double[] y, double gamma, double sigma) {
        if (!(sigma > 0)) {
            return Double.NEGATIVE_INFINITY;
        }
        double ll = -y.length * Math.log(sigma);
        if (Math.abs(gamma) < 1e-12) {
            for (double v : y) {
                ll -= v / sigma;
            }
            return ll;
        }
        for (double v : y) {
            double z = 1 + gamma * v / sigma;
            if (!(z > 0)) {
                return Double.NEGATIVE_INFINITY;
            }
            ll -= (1 + 1 / gamma) * Math.log(z);
        }
        return ll;
    }
}
