package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.features.FeaturePipeline;
import dev.lakead.io.InputAudit;
import dev.lakead.io.TableReader;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.ScoringSpec;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The labelled validation table (threshold.validation.*) that the labelled threshold methods (threshold, train)
 * and champion / challenger (promote) score models on.
 */
final class ValidationTable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidationTable.class);

    private ValidationTable() {
    }

    /**
     * The validation table's scores with the binary label column {@link BinaryEvaluator#LABEL}: an already-scored
     * table (it has {@link ScoreTable#SCORE}) as is, else raw records scored with the model.
     */
    static Dataset<Row> scores(JobContext ctx, FeaturePipeline pipeline, ScoringSpec scoring, AnomalyModel model) {
        Settings s = ctx.settings();
        ThresholdConfig cfg = ThresholdConfig.from(s);
        String path = cfg.validationSource();
        if (path.isBlank()) {
            throw new LakeadException("Threshold method '" + ThresholdCalculator.method(s) + "' needs a labelled"
                    + " validation table: set 'threshold.validation.path' or 'threshold.validation.table'");
        }
        String label = cfg.requiredValidationLabel();
        String segment = cfg.segmentColumn();
        TableReader.Table table = !cfg.validationTable().isEmpty()
                ? TableReader.table(ctx.spark(), cfg.validationTable(), "threshold.validation.table", "")
                : TableReader.read(ctx.spark(), path, s, "");
        // audited like every input (malformed lines, null/NaN/Inf features; input.malformed applied); logged
        table = new TableReader.Table(InputAudit.audit(ctx.spark(), table, pipeline.columns(), s,
                "the model's feature columns").rows(), table.partitionColumns(), table.path(), table.source());
        Dataset<Row> rows = TableReader.filtered(table.rows(), cfg.validationWhere(),
                "threshold.validation.where", path);
        List<String> columns = Arrays.asList(rows.columns());
        for (String c : segment.isBlank() ? List.of(label) : List.of(label, segment)) {
            if (!columns.contains(c)) {
                throw new LakeadException("Column '" + c + "' (settings threshold.validation.label-column /"
                        + " threshold.segment-column) is not in the validation table " + path + "; columns: "
                        + String.join(", ", columns));
            }
        }
        Dataset<Row> scored;
        if (columns.contains(ScoreTable.SCORE)) {
            LOG.info("Validation table {} is already scored: using its {} column", path, ScoreTable.SCORE);
            scored = rows;
        } else {
            List<String> pass = new ArrayList<>(List.of(label));
            if (!segment.isBlank() && !segment.equals(label)) {
                pass.add(segment);
            }
            scored = scoring.scorer(model, pipeline, ScoringOptions.from(s)).scoreFeatured(pipeline.transform(rows), pass);
        }
        return BinaryEvaluator.withBinaryLabel(scored, label);
    }
}
