package dev.lakead.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loss per epoch and throughput of one training run; stored in the bundle as the loss curve. */
public final class TrainingHistory implements java.io.Serializable {
    /**
     * One epoch: mean training loss over the averaged workers, validation loss (NaN without holdout), and the mean
     * of each loss component for models that report several (a GAN's D and G losses; empty otherwise).
     */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double seconds, long samples,
                        Map<String, Double> components) implements java.io.Serializable {
        public Epoch {
            components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        }

        public Epoch(int epoch, double trainLoss, double validationLoss, double seconds, long samples) {
            this(epoch, trainLoss, validationLoss, seconds, samples, Map.of());
        }

        public double samplesPerSecond() {
            return seconds > 0 ? samples / seconds : 0;
        }
    }

    /** One averaging round of a model with loss components: each component's mean over the round's rows. */
    public record Round(int epoch, int round, int workers, long rows, Map<String, Double> components)
            implements java.io.Serializable {
        public Round {
            components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private final List<Round> rounds = new ArrayList<>();
    private final Map<String, TrainingHistory> phases = new LinkedHashMap<>();
    private long trainingRows;
    private long holdoutRows;
    private int bestEpoch;
    private boolean stoppedEarly;
    private int workers;
    private double parallelism = Double.NaN;

    public void add(Epoch e) {
        epochs.add(e);
    }

    public List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    public void addRound(Round r) {
        rounds.add(r);
    }

    /** Every averaging round's loss components (empty for models with a single loss). */
    public List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** Attaches the history of a later training phase (e.g. AnoGAN's encoder after its GAN), kept under its name. */
    public void addPhase(String name, TrainingHistory phase) {
        phases.put(name, phase);
    }

    public Map<String, TrainingHistory> phases() {
        return Collections.unmodifiableMap(phases);
    }

    public long trainingRows() {
        return trainingRows;
    }

    public void trainingRows(long rows) {
        this.trainingRows = rows;
    }

    public long holdoutRows() {
        return holdoutRows;
    }

    public void holdoutRows(long rows) {
        this.holdoutRows = rows;
    }

    public void bestEpoch(int epoch) {
        this.bestEpoch = epoch;
    }

    public void stoppedEarly(boolean stopped) {
        this.stoppedEarly = stopped;
    }

    public void workers(int workers) {
        this.workers = workers;
    }

    public int workers() {
        return workers;
    }

    /** Trainings that run as independent tasks (one model per entity): the sum of their times ÷ the wall time. */
    public void parallelism(double parallelism) {
        this.parallelism = parallelism;
    }

    /** NaN when the training was not a set of independent tasks. */
    public double parallelism() {
        return parallelism;
    }

    /** Training samples per second over all epochs (Spark overhead included). */
    public double samplesPerSecond() {
        double s = epochs.stream().mapToDouble(Epoch::seconds).sum();
        long n = epochs.stream().mapToLong(Epoch::samples).sum();
        return s > 0 ? n / s : 0;
    }

    public double firstLoss() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(0).trainLoss();
    }

    public double lastLoss() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainLoss();
    }

    /** The per-epoch progress line every trainer logs. */
    static void logEpoch(org.slf4j.Logger log, TrainingHistory h, int epochs) {
        Epoch e = h.epochs.get(h.epochs.size() - 1);
        double perEpoch = h.epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0);
        log.info("epoch {}/{} train_loss={} validation_loss={}{} ({} samples/s, ETA {} s)", e.epoch(), epochs,
                String.format("%.6f", e.trainLoss()),
                Double.isNaN(e.validationLoss()) ? "-" : String.format("%.6f", e.validationLoss()),
                components(e.components()), Math.round(e.samplesPerSecond()),
                Math.round(perEpoch * Math.max(0, epochs - e.epoch())));
    }

    /** The per-round progress line of models with loss components. */
    static void logRound(org.slf4j.Logger log, Round r, int roundsPerEpoch) {
        log.info("epoch {} round {}/{}:{} ({} workers, {} rows)", r.epoch(), r.round() + 1, roundsPerEpoch,
                components(r.components()), r.workers(), r.rows());
    }

    private static String components(Map<String, Double> c) {
        StringBuilder b = new StringBuilder();
        c.forEach((k, v) -> b.append(' ').append(k).append('=').append(String.format("%.6f", v)));
        return b.toString();
    }

    static void logEarlyStop(org.slf4j.Logger log, int epochsWithoutImprovement, double best, int bestEpoch) {
        log.info("Early stopping: validation loss has not improved for {} epochs (best {} at epoch {})",
                epochsWithoutImprovement, String.format("%.6f", best), bestEpoch);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("training_rows", trainingRows);
        m.put("holdout_rows", holdoutRows);
        m.put("workers", workers);
        if (!Double.isNaN(parallelism)) {
            m.put("parallelism", parallelism);
        }
        m.put("epochs_run", epochs.size());
        m.put("best_epoch", bestEpoch);
        m.put("stopped_early", stoppedEarly);
        m.put("samples_per_second", Math.round(samplesPerSecond()));
        List<Map<String, Object>> curve = new ArrayList<>();
        for (Epoch e : epochs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.epoch());
            row.put("train_loss", e.trainLoss());
            row.put("validation_loss", Double.isNaN(e.validationLoss()) ? null : e.validationLoss());
            row.put("seconds", e.seconds());
            row.putAll(e.components());
            curve.add(row);
        }
        m.put("loss_curve", curve);
        if (!rounds.isEmpty()) {
            List<Map<String, Object>> perRound = new ArrayList<>();
            for (Round r : rounds) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", r.epoch());
                row.put("round", r.round() + 1);
                row.put("workers", r.workers());
                row.put("rows", r.rows());
                row.putAll(r.components());
                perRound.add(row);
            }
            m.put("rounds", perRound);
        }
        phases.forEach((name, h) -> m.put(name, h.asMap()));
        return m;
    }
}
