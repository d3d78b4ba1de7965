package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The POT threshold against GPD data whose parameters, and so every quantile, are known by construction. */
class PeaksOverThresholdTest {

    /** N excesses at the GPD's own quantiles (i − ½)/N: the sample the MLE should fit almost exactly. */
    private static double[] gpdQuantiles(double gamma, double sigma, int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double u = (i + 0.5) / n;
            y[i] = Math.abs(gamma) < 1e-12 ? -sigma * Math.log(1 - u) : sigma / gamma * (Math.pow(1 - u, -gamma) - 1);
        }
        return y;
    }

    @Test
    void recoversHeavyTailedShapeAndScale() {
        double[] gs = PeaksOverThreshold.grimshaw(gpdQuantiles(0.2, 1.5, 5000));
        assertEquals(0.2, gs[0], 0.01);
        assertEquals(1.5, gs[1], 0.02);
    }

    @Test
    void recoversBoundedTail() {
        double[] gs = PeaksOverThreshold.grimshaw(gpdQuantiles(-0.3, 2.0, 5000));
        assertEquals(-0.3, gs[0], 0.01);
        assertEquals(2.0, gs[1], 0.02);
    }

    @Test
    void exponentialExcessesGiveShapeNearZero() {
        double[] gs = PeaksOverThreshold.grimshaw(gpdQuantiles(0, 0.7, 5000));
        assertEquals(0.0, gs[0], 0.01);
        assertEquals(0.7, gs[1], 0.01);
    }

    @Test
    void recoversParametersFromARandomSample() {
        Random rng = new Random(7);
        double[] y = new double[20000];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1.0 / 0.1 * (Math.pow(1 - rng.nextDouble(), -0.1) - 1); // γ = 0.1, σ = 1
        }
        double[] gs = PeaksOverThreshold.grimshaw(y);
        assertEquals(0.1, gs[0], 0.03);
        assertEquals(1.0, gs[1], 0.04);
    }

    @Test
    void quantileFollowsTheFormula() {
        // t = 10, γ = 0.2, σ = 1.5, 100 peaks of 10,000 scores, risk 1e-4: r = 1e-4·10⁴/100 = 0.01
        var fit = new PeaksOverThreshold.Fit(10, 0.2, 1.5, 100, 10_000);
        assertEquals(10 + 1.5 / 0.2 * (Math.pow(0.01, -0.2) - 1), fit.quantile(1e-4), 1e-12); // 19.4203...
        var exponential = new PeaksOverThreshold.Fit(10, 0, 1.5, 100, 10_000);
        assertEquals(10 - 1.5 * Math.log(0.01), exponential.quantile(1e-4), 1e-12);
        assertEquals(10, fit.quantile(0.02), 0.0, "a risk not beyond the initial quantile gives t");
    }

    @Test
    void thresholdOnScoresWithAKnownGpdTail() {
        // 98 % of 50,000 scores uniform below t = 5, 2 % t + GPD(γ = 0.1, σ = 1) at their quantiles: the score of
        // risk q is t + σ/γ((q/0.02)^−γ − 1) exactly
        int n = 50_000;
        int peaks = 1000;
        double[] scores = new double[n];
        double[] tail = gpdQuantiles(0.1, 1.0, peaks);
        for (int i = 0; i < n - peaks; i++) {
            scores[i] = 5.0 * i / (n - peaks);
        }
        for (int i = 0; i < peaks; i++) {
            scores[n - peaks + i] = 5.0 + tail[i];
        }
        PeaksOverThreshold.Fit fit = PeaksOverThreshold.fit(scores, 0.98);
        assertEquals(peaks, fit.peaks());
        for (double q : new double[]{1e-3, 1e-4}) {
            double expected = 5.0 + 1.0 / 0.1 * (Math.pow(q / 0.02, -0.1) - 1);
            assertEquals(expected, fit.quantile(q), 0.02 * expected, "risk " + q);
        }
    }

    @Test
    void tooFewPeaksFallBackToTheInitialQuantile() {
        PeaksOverThreshold.Fit fit = PeaksOverThreshold.fit(new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.8);
        assertEquals(8, fit.t(), 0.0);
        assertEquals(8, fit.quantile(1e-3), 0.0);
        assertTrue(fit.peaks() < PeaksOverThreshold.MIN_PEAKS);
    }

    @Test
    void validatesSettings() {
        assertThrows(LakeadException.class, () -> PeaksOverThreshold.validate(1.0, 1e-3));
        LakeadException e = assertThrows(LakeadException.class, () -> PeaksOverThreshold.validate(0.98, 0.05));
        assertTrue(e.getMessage().contains("threshold.pot.risk"), e.getMessage());
        PeaksOverThreshold.validate(0.98, 1e-4);
    }
}
