package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.thresholds.ThresholdCalculator;

/**
 * The threshold job's own settings, read once: the segment column and the labelled validation table
 * (threshold.validation.*) of the labelled methods and of promote. The method and its parameters are read by
 * {@link dev.lakead.thresholds.ThresholdCalculator}; the re-adjustment's by {@link ThresholdAdjustConfig}.
 *
 * @param segmentColumn        threshold.segment-column ("" = one global threshold)
 * @param validationPath       threshold.validation.path ("" = none)
 * @param validationTable      threshold.validation.table: a catalog table by name, which wins over the path
 * @param validationLabel      threshold.validation.label-column
 * @param validationWhere      threshold.validation.where
 */
public record ThresholdConfig(String segmentColumn, String validationPath, String validationTable,
                              String validationLabel, String validationWhere) {

    public static ThresholdConfig from(Settings s) {
        return new ThresholdConfig(ThresholdCalculator.segmentColumn(s), s.string("threshold.validation.path"),
                s.string("threshold.validation.table").strip(), s.string("threshold.validation.label-column"), s.string("threshold.validation.where"));
    }

    /** Where the validation table is, for messages: its catalog name, else its path ("" = none). */
    public String validationSource() {
        return validationTable.isEmpty() ? validationPath : validationTable;
    }

    /** The validation table's label column; fails naming the setting when it is empty. */
    public String requiredValidationLabel() {
        if (validationLabel.isBlank()) {
            throw new LakeadException("Setting 'threshold.validation.label-column' is required but empty");
        }
        return validationLabel;
    }
}
