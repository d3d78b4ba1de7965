package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The online threshold against levels worked out by hand. */
class AdaptiveThresholdTest {

    @Test
    void theThresholdFollowsTheScoreLevelAfterTheWarmup() {
        // half-life 1 record: L ← (L + x) / 2; warm-up 2 records
        AdaptiveThreshold t = new AdaptiveThreshold(1, 2, AdaptiveThreshold.Level.ARITHMETIC);
        assertEquals(1.0, t.next(0.4), 0.0, "warm-up: the model's threshold");   // L = 0.4
        assertEquals(1.0, t.next(0.6), 0.0);                                      // L = 0.5 = reference
        assertEquals(1.0, t.next(2.5), 1e-12, "L = reference");                   // L = 1.5
        assertEquals(2.0, t.next(2.5), 1e-12, "1 + (1.5 - 0.5)");                  // L = 2.0
        assertEquals(2.5, t.next(0.5), 1e-12, "1 + (2.0 - 0.5)");                  // L = 1.25
        assertEquals(1.75, t.next(Double.NaN), 1e-12, "a missing score changes nothing");
        assertEquals(1.75, t.next(0.0), 1e-12);                                   // L = 0.625
        assertEquals(1.125, t.next(0.0), 1e-12);                                  // L = 0.3125
        assertEquals(1.0, t.next(0.0), 1e-12, "never below the model's threshold");
    }

    @Test
    void theGeometricLevelFollowsTheRatioOfTheScores() {
        // half-life 1 record: ln L ← (ln L + ln x) / 2; warm-up 2 records
        AdaptiveThreshold t = new AdaptiveThreshold(1, 2, AdaptiveThreshold.Level.GEOMETRIC);
        assertEquals(1.0, t.next(0.25), 0.0);                                     // L = 1/4
        assertEquals(1.0, t.next(1.0), 0.0);                                      // L = 1/2 = reference
        assertEquals(1.0, t.next(8.0), 1e-12, "L = reference");                   // L = 2
        assertEquals(4.0, t.next(2.0), 1e-12, "2 / (1/2)");                       // L = 2
        assertEquals(4.0, t.next(0.0), 1e-12, "a score of 0 counts as 1e-3");     // L = sqrt(2e-3)
        assertEquals(1.0, t.next(Double.NaN), 1e-12, "never below the model's threshold; NaN changes nothing");
    }

    @Test
    void aBurstOfHugeScoresDoesNotRaiseTheGeometricLevelOverTheAnomalyThatFollows() {
        // normal at 0.5 of the threshold; an anomaly opens with 5 records at 100x, then stays at 3x for 50
        int[] flagged = new int[2];
        for (AdaptiveThreshold.Level level : AdaptiveThreshold.Level.values()) {
            AdaptiveThreshold t = new AdaptiveThreshold(100, 200, level);
            feed(t, 0.5, 200);
            for (int i = 0; i < 55; i++) {
                double n = i < 5 ? 100 : 3;
                flagged[level.ordinal()] += n > t.next(n) ? 1 : 0;
            }
        }
        // arithmetic: L = 0.5 + 99.5 (1 - 2^(-5/100)) = 3.9 after the burst, so 3x is below 1 + (3.9 - 0.5);
        // geometric: ln L - ln 0.5 = ln 200 (1 - 2^(-5/100)) = 0.18, a factor of 1.2
        assertEquals(5, flagged[AdaptiveThreshold.Level.ARITHMETIC.ordinal()]);
        assertEquals(55, flagged[AdaptiveThreshold.Level.GEOMETRIC.ordinal()]);
    }

    @Test
    void aLastingShiftByAFactorRaisesTheGeometricThresholdByThatFactor() {
        AdaptiveThreshold t = new AdaptiveThreshold(10, 20, AdaptiveThreshold.Level.GEOMETRIC);
        feed(t, 0.4, 20);
        assertEquals(3.0, feed(t, 1.2, 1000), 1e-9, "1.2 / 0.4");
    }

    @Test
    void aShortAnomalyStaysFlaggedAndALastingShiftBecomesNormal() {
        AdaptiveThreshold t = new AdaptiveThreshold(500, 100, AdaptiveThreshold.Level.GEOMETRIC);
        feed(t, 0.5, 400);
        int flagged = 0;
        for (int i = 0; i < 100; i++) { // an anomaly at 3x the threshold, 100 records (a fifth of the half-life)
            double factor = t.next(3.0);
            flagged += 3.0 > factor ? 1 : 0;
        }
        assertEquals(100, flagged);
        int shifted = 0;
        for (int i = 0; i < 3000; i++) { // then normal operation at a new level 1.3 (above the model's threshold)
            double factor = t.next(1.3);
            shifted += i >= 2000 && 1.3 > factor ? 1 : 0;
        }
        assertEquals(0, shifted, "after a few half-lives the new level no longer alarms");
    }

    @Test
    void validatesSettings() {
        LakeadException e = assertThrows(LakeadException.class, () -> new AdaptiveThreshold(0, 10, AdaptiveThreshold.Level.GEOMETRIC));
        assertEquals(true, e.getMessage().contains("threshold.adaptive.half-life"));
        assertThrows(LakeadException.class, () -> new AdaptiveThreshold(10, 0, AdaptiveThreshold.Level.GEOMETRIC));
        LakeadException level = assertThrows(LakeadException.class, () -> AdaptiveThreshold.Level.parse("median"));
        assertEquals("Setting 'threshold.adaptive.level' must be geometric or arithmetic, got 'median'",
                level.getMessage());
        assertEquals(AdaptiveThreshold.Level.ARITHMETIC, AdaptiveThreshold.Level.parse(" Arithmetic"));
    }

    /** {@code count} records of normalised score {@code n}; the factor in force for the last one. */
    private static double feed(AdaptiveThreshold t, double n, int count) {
        double factor = Double.NaN;
        for (int i = 0; i < count; i++) {
            factor = t.next(n);
        }
        return factor;
    }
}
