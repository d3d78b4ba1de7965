package dev.lakead.pipeline;

import dev.lakead.bundle.ModelBundle;
import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamilies;
import dev.lakead.models.ModelFamily;
import dev.lakead.scoring.BatchScorer;
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
 * threshold: scores the training features with a bundle's model on the executors and stores a new threshold
 * (method and parameters from threshold.*) in the bundle. Train runs the same computation.
 */
public final class ThresholdStep {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdStep.class);

    private ThresholdStep() {
    }

    public static Threshold run(JobContext ctx) {
        Settings s = ctx.settings();
        ModelBundle bundle = ctx.loadBundle();
        PreparedData prepared = PreparedData.load(ctx.spark(), ctx.files(), s.required("prepared.path"));
        if (!prepared.pipeline().columns().equals(bundle.pipeline().columns())) {
            throw new dev.lakead.LakeadException("Prepared data " + prepared.path() + " has features "
                    + prepared.pipeline().columns() + " but model bundle " + bundle.path() + " expects "
                    + bundle.pipeline().columns());
        }
        Threshold t = fromTrainingScores(prepared, ModelFamilies.get(bundle.model().type()), bundle.model(), s);
        LOG.info("Replacing threshold of {}: {} -> {}", bundle.path(), bundle.threshold().describe(), t.describe());
        bundle.withThreshold(ctx.files(), t);
        return t;
    }

    /**
     * The threshold from the training rows' scores. A model with several score modes gets one per mode (the one of
     * its own mode first), so that score.mode can switch at scoring time.
     */
    static Threshold fromTrainingScores(PreparedData prepared, ModelFamily family, AnomalyModel model, Settings s) {
        Threshold own = compute(prepared, family, model, s);
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
                byMode.put(mode, compute(prepared, family, model.withScoreMode(mode), s));
            }
        }
        return own.withScoreModes(model.scoreMode(), byMode);
    }

    private static Threshold compute(PreparedData prepared, ModelFamily family, AnomalyModel model, Settings s) {
        Dataset<Row> scores = family.scoreRecords(prepared.features(), List.of(), model, s).cache();
        try {
            return ThresholdCalculator.compute(scores, BatchScorer.SCORE, s);
        } finally {
            scores.unpersist();
        }
    }

}
