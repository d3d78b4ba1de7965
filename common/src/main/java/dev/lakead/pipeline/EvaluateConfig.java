package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFilter;
import dev.lakead.table.TableLocation;

import java.util.List;

/**
 * The evaluate job's settings (evaluate.*), read and checked once.
 *
 * @param scores        the score table: evaluate.input-path, else score.output-path
 * @param where         which rows to evaluate
 * @param labelColumn   the label column (1 / true = anomaly)
 * @param labelsPath    a table to join the labels from ("" = the score table has them)
 * @param segmentColumn the per-segment table's column ("" = the threshold's segment column, if any)
 */
public record EvaluateConfig(TableLocation scores, TableFilter where, String labelColumn, String labelsPath,
                             List<String> joinColumns, String outputDir, int numBins, boolean pointAdjust,
                             int plotMaxPoints, int histogramBins, int curveBins, String segmentColumn,
                             int maxSegments) {
    public static final String PREFIX = "evaluate";

    public static EvaluateConfig from(Settings s) {
        return new EvaluateConfig(ScoreTable.input(s, "evaluate.input-path"), TableFilter.of(s, "evaluate.where"),
                labelColumn(s), s.string("evaluate.labels-path"),
                s.strings("evaluate.join-columns"), outputDir(s), s.integer("evaluate.num-bins"),
                s.bool("evaluate.point-adjust"), s.positiveInt("evaluate.plot-max-points"),
                s.positiveInt("evaluate.histogram-bins"), s.positiveInt("evaluate.curve-bins"),
                s.string("evaluate.segment-column"), s.positiveInt("evaluate.max-segments"));
    }

    /** evaluate.label-column, required (the job checks it before starting Spark). */
    public static String labelColumn(Settings s) {
        return s.required("evaluate.label-column");
    }

    /** evaluate.output-dir, required (the job checks it before starting Spark). */
    public static String outputDir(Settings s) {
        return s.required("evaluate.output-dir");
    }
}
