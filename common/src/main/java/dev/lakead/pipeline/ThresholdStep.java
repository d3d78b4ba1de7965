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

import java.util.List;

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

    static Threshold fromTrainingScores(PreparedData prepared, ModelFamily family, AnomalyModel model, Settings s) {
        Dataset<Row> scores = family.scoreRecords(prepared.features(), List.of(), model, s).cache();
        try {
            return ThresholdCalculator.compute(scores, BatchScorer.SCORE, s);
        } finally {
            scores.unpersist();
        }
    }

}
