package dev.lakead.training;

/**
 * Tracks the monitored loss per epoch (validation loss, or training loss without a holdout), remembers the best
 * epoch and says when {@code patience} epochs have passed without improvement (patience 0 = never).
 */
final class EarlyStopping<P> implements java.io.Serializable {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;
    private P bestState;

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Records an epoch; {@code state} is only asked for when this epoch is the best so far. */
    boolean shouldStop(int epoch, double loss, java.util.function.Supplier<P> state) {
        if (loss < best) {
            best = loss;
            bestEpoch = epoch;
            sinceBest = 0;
            bestState = state.get();
            return false;
        }
        sinceBest++;
        return patience > 0 && sinceBest >= patience;
    }

    double best() {
        return best;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    int sinceBest() {
        return sinceBest;
    }

    /** The state saved at the best epoch (null if none was saved). */
    P bestState() {
        return bestState;
    }
}
