package dev.lakead.pipeline;

import dev.lakead.LakeadException;
import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.evaluation.BinaryEvaluator;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ScoringOptions;
import dev.lakead.models.ScoringSpec;
import dev.lakead.table.ScoreTable;
import dev.lakead.thresholds.Threshold;
import dev.lakead.thresholds.ThresholdCalculator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * threshold: computes a new threshold for a bundle on the executors (method and parameters from threshold.*) and
 * stores it as the bundle's next threshold version. The scores come from the training data (percentile, mean-std)
 * or from a labelled validation table (youden, max-f1, target-fpr). Train runs the same computation.
 */
public final class ThresholdStep {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdStep.class);

    private ThresholdStep() {
    }

    public static Threshold run(JobContext ctx) {
        Settings s = ctx.settings();
        ModelBundle bundle = ctx.loadBundle();
        PreparedData prepared = PreparedData.load(ctx.spark(), ctx.files(), PreparedData.path(s));
        if (!prepared.pipeline().columns().equals(bundle.pipeline().columns())) {
            throw new LakeadException("Prepared data " + prepared.path() + " has features "
                    + prepared.pipeline().columns() + " but model bundle " + bundle.path() + " expects "
                    + bundle.pipeline().columns());
        }
        Threshold t = compute(ctx, prepared, ModelFamilies.get(bundle.model().type()).scoring(s), bundle.model());
        LOG.info("Replacing threshold of {}: {} -> {}", bundle.path(), bundle.threshold().describe(), t.describe());
        bundle.withThreshold(ctx.files(), t);
        return t;
    }

    /**
     * The threshold for a model: from its training scores, or from the labelled validation table. A model with
     * several score modes gets one per mode (the one of its own mode first), so that score.mode can switch at
     * scoring time.
     */
    static Threshold compute(JobContext ctx, PreparedData prepared, ScoringSpec scoring, AnomalyModel model) {
        Threshold own = computeOne(ctx, prepared, scoring, model);
        List<String> modes = model.scoreModes();
        if (modes.size() < 2) {
            return own;
        }
        Map<String, Threshold> byMode = new LinkedHashMap<>();
        for (String mode : modes) {
            if (mode.equals(model.scoreMode())) {
                byMode.put(mode, own);
            } else {
                LOG.info("Threshold for score mode {} (the model scores with {})", mode, model.scoreMode());
                byMode.put(mode, computeOne(ctx, prepared, scoring, model.withScoreMode(mode)));
            }
        }
        return own.withScoreModes(model.scoreMode(), byMode);
    }

    private static Threshold computeOne(JobContext ctx, PreparedData prepared, ScoringSpec scoring,
                                        AnomalyModel model) {
        Settings s = ctx.settings();
        ThresholdConfig cfg = ThresholdConfig.from(s);
        String segment = cfg.segmentColumn();
        boolean labelled = ThresholdCalculator.needsLabels(ThresholdCalculator.method(s));
        if (!labelled && !segment.isBlank()
                && !java.util.Arrays.asList(prepared.features().columns()).contains(segment)) {
            throw new dev.lakead.LakeadException("Segment column '" + segment + "' (setting"
                    + " 'threshold.segment-column') is not in the prepared data " + prepared.path()
                    + "; set it for the preprocess job too, which then keeps the column");
        }
        Dataset<Row> scores = (labelled ? ValidationTable.scores(ctx, prepared.pipeline(), scoring, model)
                : scoring.scorer(model, prepared.pipeline(), ScoringOptions.from(s)).scoreFeatured(prepared.features(),
                segment.isBlank() ? List.of() : List.of(segment))).cache();
        try {
            Threshold t = ThresholdCalculator.compute(scores, ScoreTable.SCORE,
                    labelled ? BinaryEvaluator.LABEL : null, s);
            if (!labelled) {
                return t;
            }
            // which validation data produced it, kept in the bundle with the value
            java.util.Map<String, Object> params = new java.util.LinkedHashMap<>(t.parameters());
            params.put("validation_path", cfg.validationPath());
            if (!cfg.validationTable().isBlank()) {
                params.put("validation_table", cfg.validationTable());
            }
            params.put("validation_where", cfg.validationWhere());
            params.put("validation_label_column", cfg.validationLabel());
            return new Threshold(t.value(), t.method(), params, t.scoreStats(), t.segmentColumn(), t.segments());
        } finally {
            scores.unpersist();
        }
    }
}
