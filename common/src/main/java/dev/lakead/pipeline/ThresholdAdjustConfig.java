package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFilter;
import dev.lakead.table.TableLocation;

import java.util.List;

/**
 * The threshold re-adjustment's settings (threshold.adjust.*), read once.
 *
 * @param scores       the score table: threshold.adjust.scores-path, else score.output-path
 * @param where        which scored rows (threshold.adjust.where)
 * @param labelColumn  labels or analyst feedback ("" = none)
 * @param labelsPath   a table to join the label column from ("" = the score table has it)
 * @param joinColumns  the keys of that join
 * @param relabel      whether to re-label the rows with the new threshold
 */
public record ThresholdAdjustConfig(TableLocation scores, TableFilter where, String labelColumn, String labelsPath,
                                    List<String> joinColumns, boolean relabel) {
    public static final String PREFIX = "threshold.adjust";

    public static ThresholdAdjustConfig from(Settings s) {
        return new ThresholdAdjustConfig(ScoreTable.input(s, PREFIX + ".scores-path"),
                TableFilter.of(s, PREFIX + ".where"), s.string(PREFIX + ".label-column"),
                s.string(PREFIX + ".labels-path"), s.strings(PREFIX + ".join-columns"), s.bool(PREFIX + ".relabel"));
    }
}
