package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.models.ScoringOptions;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFormat;
import dev.lakead.table.TableFormats;
import dev.lakead.table.TableLocation;
import dev.lakead.thresholds.AdaptiveThreshold;

import java.util.List;

/**
 * The score job's settings (score.*, threshold.adaptive.*), read and checked once.
 *
 * @param mode             score.mode, trimmed and lower-case; "" = the bundle's own mode
 * @param scoring          score.batch-size and the optional outputs, which the model family's scorer uses
 * @param adaptive         threshold.adaptive.* (the online re-adjustment of time series' thresholds)
 * @param table            where the score table is written (score.output-path, score.table-name)
 * @param format           score.table-format
 */
public record ScoreConfig(String mode, List<String> partitionColumns, List<String> keyColumns,
                          ScoringOptions scoring, AdaptiveThreshold.Rule adaptive,
                          TableLocation table, TableFormat format) {

    public static ScoreConfig from(Settings s) {
        return new ScoreConfig(mode(s), s.strings("score.partition-columns"),
                keyColumns(s), ScoringOptions.from(s),
                AdaptiveThreshold.Rule.from(s),
                ScoreTable.output(s), TableFormats.from(s));
    }

    /** score.mode, lower-case ("" = the model's own). */
    public static String mode(Settings s) {
        return s.string("score.mode").trim().toLowerCase();
    }

    /** score.key-columns: the input columns the score table keeps to identify a record. */
    public static List<String> keyColumns(Settings s) {
        return s.strings("score.key-columns");
    }
}
