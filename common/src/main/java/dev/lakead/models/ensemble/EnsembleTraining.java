package dev.lakead.models.ensemble;

import dev.lakead.models.batch.BatchRows;

import dev.lakead.models.ModelFamily;

import java.util.List;

/**
 * What an ensemble trains, read once by the train step: its spec, each member's family with the member's own spec,
 * and score.batch-size, with which the members score the training rows for their scales.
 */
public record EnsembleTraining(EnsembleSpec spec, List<ModelFamily.Configured<?>> members, BatchRows scoreBatchRows) {
    public EnsembleTraining {
        members = List.copyOf(members);
    }
}
