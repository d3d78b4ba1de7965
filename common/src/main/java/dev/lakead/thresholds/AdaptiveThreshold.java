package dev.lakead.thresholds;

import dev.lakead.LakeadException;

import java.io.Serializable;

/**
 * Label-free online re-adjustment of a time series' threshold (4.5.4, "閾値の自動調整: 運用データから適応的に調整"),
 * one instance per entity, fed its records in time order. It follows the entity's score level: L, an exponential
 * moving average of every normalised score (score ÷ the model's threshold), with a half-life of {@code halfLife}
 * records. The first {@code warmup} records only set the reference level B = L at their end (and are decided by the
 * model's threshold); after them a record is an anomaly when its normalised score exceeds
 * <pre>  1 + max(0, L − B)          (L before this record: causal, no look-ahead)</pre>
 * i.e. the threshold rises by as much as the whole stream's score level has risen since the warm-up — the drift
 * of an entity's normal operation away from its training period (a rig that stays hot after a fault, a slow sensor
 * shift) — and falls back when the level does. An anomaly much shorter than the half-life barely moves L and stays
 * detected; a state that lasts many half-lives becomes the new normal, as a retraining on recent data would make it.
 * Uses no label. Every record updates L, flagged or not: with DSPOT's rule (only unflagged records update the level)
 * a lasting shift that is flagged once would stay flagged for ever.
 */
public final class AdaptiveThreshold implements Serializable {
    private final double decay;
    private final long warmup;
    private long seen;
    private double level = Double.NaN;
    private double reference = Double.NaN;

    public AdaptiveThreshold(double halfLife, long warmup) {
        validate(halfLife, warmup);
        this.decay = Math.pow(0.5, 1.0 / halfLife);
        this.warmup = warmup;
    }

    public static void validate(double halfLife, long warmup) {
        if (!(halfLife > 0)) {
            throw new LakeadException("Setting 'threshold.adaptive.half-life' must be > 0 records (0 = off), got "
                    + halfLife);
        }
        if (warmup < 1) {
            throw new LakeadException("Setting 'threshold.adaptive.warmup' must be at least 1 record, got " + warmup);
        }
    }

    /**
     * The multiple of the model's threshold in force for the next record, given its normalised score; then takes
     * the record into the level. A null (NaN) score leaves the state unchanged.
     */
    public double next(double normalizedScore) {
        double factor = seen < warmup || Double.isNaN(reference) ? 1.0 : 1.0 + Math.max(0, level - reference);
        if (!Double.isNaN(normalizedScore) && !Double.isInfinite(normalizedScore)) {
            level = Double.isNaN(level) ? normalizedScore : decay * level + (1 - decay) * normalizedScore;
            seen++;
            if (seen == warmup) {
                reference = level;
            }
        }
        return factor;
    }
}
