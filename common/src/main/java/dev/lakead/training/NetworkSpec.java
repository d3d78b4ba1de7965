package dev.lakead.training;

import dev.lakead.config.Settings;

import java.util.List;

/**
 * The model settings that several families share, read here only: model.hidden-sizes (empty = derived from the
 * input width by each family), model.learning-rate and model.seed (also the seed of {@link TrainingOptions}). The
 * families' {@code *Spec} records are built from it.
 */
public record NetworkSpec(List<Integer> hiddenSizes, double learningRate, long seed) {

    public NetworkSpec {
        hiddenSizes = List.copyOf(hiddenSizes);
    }

    public static NetworkSpec from(Settings s) {
        return new NetworkSpec(s.integers("model.hidden-sizes"), s.number("model.learning-rate"), seed(s));
    }

    /** model.seed alone, for those that need no network ({@link TrainingOptions}, the evaluation's samples). */
    public static long seed(Settings s) {
        return s.longValue("model.seed");
    }
}
