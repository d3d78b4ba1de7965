package dev.lakead.models.lstm;

import dev.lakead.thresholds.ThresholdCalculator;

/**
 * What the LSTM family trains with, read once by the train step: the network, how series are cut into windows,
 * and (per-entity mode only, else null) the threshold method each entity's threshold is computed with.
 */
public record LstmFamilySpec(LstmAutoencoderSpec model, TimeSeriesConfig series,
                             ThresholdCalculator.Options entityThresholds) {
}
