package dev.lakead.thresholds;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.io.Serializable;

/**
 * Label-free online re-adjustment of a time series' threshold (4.5.4, "閾値の自動調整: 運用データから適応的に調整"),
 * one instance per entity, fed its records in time order. It follows the entity's score level L, an exponential
 * moving average with a half-life of {@code halfLife} records of every normalised score n (score ÷ the model's
 * threshold): of ln n by default ({@link Level#GEOMETRIC}), of n itself with {@link Level#ARITHMETIC}. The first
 * {@code warmup} records only set the reference level B = L at their end (and are decided by the model's
 * threshold); after them a record is an anomaly when its normalised score exceeds
 * <pre>  max(1, exp(L − B))    geometric       1 + max(0, L − B)    arithmetic</pre>
 * (L before this record: causal, no look-ahead), i.e. the threshold rises with the whole stream's score level since
 * the warm-up — the drift of an entity's normal operation away from its training period (a rig that stays hot after
 * a fault, a slow sensor shift) — and falls back when the level does. An anomaly much shorter than the half-life
 * barely moves L and stays detected; a state that lasts many half-lives becomes the new normal, as a retraining on
 * recent data would make it.
 *
 * <p>Why geometric by default: reconstruction errors are heavy-tailed. A burst of huge scores (a spike, the start
 * of an anomaly) raises the arithmetic mean by many times the threshold, and what follows goes unflagged; in the
 * geometric mean it counts by its logarithm. A lasting shift of the normal level by a factor (the drift to follow)
 * raises the geometric threshold by that factor. On SKAB (bench/README.md) it raised F1 from 0.787 to 0.802 with
 * the default model and threshold (half-life 300), and to 0.825 with bench/skab.sh's. Uses no label. Every record
 * updates L, flagged or not: with DSPOT's rule (only unflagged records update the level) a lasting shift that is
 * flagged once would stay flagged for ever.
 */
public final class AdaptiveThreshold implements Serializable {
    /** What L averages: ln n (the default) or n. */
    public enum Level {
        GEOMETRIC, ARITHMETIC;

        /** threshold.adaptive.level, case-insensitive. */
        public static Level parse(String value) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(value.trim())) {
                    return l;
                }
            }
            throw new LakeadException("Setting 'threshold.adaptive.level' must be geometric or arithmetic, got '"
                    + value + "'");
        }
    }

    /**
     * The settings threshold.adaptive.* (half-life 0 = off), read and checked once; each entity's stream starts
     * its own {@link AdaptiveThreshold} from it.
     */
    public record Rule(double halfLife, long warmup, Level level) implements Serializable {
        public static Rule from(Settings s) {
            Rule r = new Rule(s.number("threshold.adaptive.half-life"), s.longValue("threshold.adaptive.warmup"),
                    Level.parse(s.string("threshold.adaptive.level")));
            if (r.on()) {
                validate(r.halfLife(), r.warmup());
            }
            return r;
        }

        public boolean on() {
            return halfLife != 0;
        }

        /** A fresh state for one entity's records. */
        public AdaptiveThreshold start() {
            return new AdaptiveThreshold(halfLife, warmup, level);
        }
    }

    /** The smallest normalised score the geometric level takes: a score of 0 would pull ln n to minus infinity. */
    private static final double SMALLEST = 1e-3;

    private final double decay;
    private final long warmup;
    private final Level kind;
    private long seen;
    private double level = Double.NaN;
    private double reference = Double.NaN;

    public AdaptiveThreshold(double halfLife, long warmup, Level kind) {
        validate(halfLife, warmup);
        this.decay = Math.pow(0.5, 1.0 / halfLife);
        this.warmup = warmup;
        this.kind = kind;
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
        double factor = seen < warmup || Double.isNaN(reference) ? 1.0
                : kind == Level.GEOMETRIC ? Math.max(1.0, Math.exp(level - reference))
                : 1.0 + Math.max(0, level - reference);
        if (!Double.isNaN(normalizedScore) && !Double.isInfinite(normalizedScore)) {
            double x = kind == Level.GEOMETRIC ? Math.log(Math.max(SMALLEST, normalizedScore)) : normalizedScore;
            level = Double.isNaN(level) ? x : decay * level + (1 - decay) * x;
            seen++;
            if (seen == warmup) {
                reference = level;
            }
        }
        return factor;
    }
}
