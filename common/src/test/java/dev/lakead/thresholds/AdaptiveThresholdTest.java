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
        AdaptiveThreshold t = new AdaptiveThreshold(1, 2);
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
    void aShortAnomalyStaysFlaggedAndALastingShiftBecomesNormal() {
        AdaptiveThreshold t = new AdaptiveThreshold(500, 100);
        for (int i = 0; i < 400; i++) {
            t.next(0.5);
        }
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
        LakeadException e = assertThrows(LakeadException.class, () -> new AdaptiveThreshold(0, 10));
        assertEquals(true, e.getMessage().contains("threshold.adaptive.half-life"));
        assertThrows(LakeadException.class, () -> new AdaptiveThreshold(10, 0));
    }
}
