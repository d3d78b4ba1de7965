package dev.lakead.models.anogan;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.features.FeaturePreprocessor;
import dev.lakead.models.SpecJson;
import dev.lakead.training.NetworkSpec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AnoGAN (4.3): a generator G: z → x and a discriminator D: x → P(real) as in 4.3.4 (dense layers with
 * LeakyReLU(0.2), G's output matching the scaling, D's last hidden layer = the feature map f(·)), trained as a GAN on
 * normal rows; the score of x is A(x) = (1 − λ)·L_R + λ·L_D at the latent code z* found by Adam (4.3.2–4.3.3),
 * or, in {@code encoder} mode, at z = E(x) from an encoder trained after the GAN (Fast-AnoGAN, izi_f).
 *
 * @param generatorSizes     G's hidden layers (z → ... → x)
 * @param discriminatorSizes D's hidden layers (x → ... → f(x) → P(real)); the last one is f
 * @param encoderSizes       E's hidden layers (x → ... → z)
 * @param learningRate       Adam learning rate of G and D
 * @param beta1              Adam β1 of G and D (0.5, the usual GAN setting, damps the oscillation of the game)
 * @param labelSmoothing     one-sided label smoothing: D's target for real rows is 1 − labelSmoothing
 * @param discriminatorSteps D updates per G update
 * @param lambda             weight of the feature (discrimination) term in the search objective and the score
 * @param searchIterations   Adam steps of the latent search (n)
 * @param scoreMode          search (AnoGAN) or encoder (Fast-AnoGAN)
 * @param encoderEpochs      epochs of encoder training after the GAN; 0 = no encoder
 */
public record AnoGanSpec(int inputSize, int latentSize, List<Integer> generatorSizes,
                         List<Integer> discriminatorSizes, List<Integer> encoderSizes, String outputActivation,
                         double learningRate, double beta1, double labelSmoothing, int discriminatorSteps,
                         double lambda, int searchIterations, double searchLearningRate, String scoreMode,
                         int encoderEpochs, double encoderLearningRate, long seed) implements Serializable {
    public static final String SEARCH = "search";
    public static final String ENCODER = "encoder";
    public static final String SIGMOID = "sigmoid";
    public static final String IDENTITY = "identity";

    public AnoGanSpec {
        generatorSizes = List.copyOf(generatorSizes);
        discriminatorSizes = List.copyOf(discriminatorSizes);
        encoderSizes = List.copyOf(encoderSizes);
        if (generatorSizes.isEmpty() || discriminatorSizes.isEmpty() || encoderSizes.isEmpty()) {
            throw new LakeadException("AnoGAN networks need at least one hidden layer each");
        }
    }

    public static AnoGanSpec from(Settings s, int inputSize, String scaler) {
        int latent = s.integer("model.anogan.latent-size");
        if (latent < 0) {
            throw new LakeadException("Setting 'model.anogan.latent-size' must be >= 0 (0 = derived), got " + latent);
        }
        if (latent == 0) {
            latent = defaultLatentSize(inputSize);
        }
        int base = defaultWidth(inputSize);
        List<Integer> g = sizes(s, "model.anogan.generator-sizes", List.of(base, 2 * base));
        List<Integer> d = sizes(s, "model.anogan.discriminator-sizes", List.of(2 * base, base));
        List<Integer> e = sizes(s, "model.anogan.encoder-sizes", List.of(2 * base, base));
        String out = s.choice("model.anogan.output-activation", "auto", SIGMOID, IDENTITY);
        if ("auto".equals(out)) {
            out = FeaturePreprocessor.MINMAX.equals(scaler) ? SIGMOID : IDENTITY;
        }
        double smoothing = s.number("model.anogan.label-smoothing");
        if (smoothing < 0 || smoothing >= 0.5) {
            throw new LakeadException("Setting 'model.anogan.label-smoothing' must be in [0, 0.5), got " + smoothing);
        }
        double lambda = s.number("model.anogan.lambda");
        if (lambda < 0 || lambda > 1) {
            throw new LakeadException("Setting 'model.anogan.lambda' must be in [0, 1], got " + lambda);
        }
        double beta1 = s.number("model.anogan.beta1");
        if (beta1 < 0 || beta1 >= 1) {
            throw new LakeadException("Setting 'model.anogan.beta1' must be in [0, 1), got " + beta1);
        }
        int encoderEpochs = s.integer("model.anogan.encoder-epochs");
        if (encoderEpochs < 0) {
            throw new LakeadException("Setting 'model.anogan.encoder-epochs' must be >= 0, got " + encoderEpochs);
        }
        String mode = s.choice("model.anogan.score", SEARCH, ENCODER);
        requireEncoderFor(mode, encoderEpochs);
        return new AnoGanSpec(inputSize, latent, g, d, e, out, positive(s, "model.anogan.learning-rate"), beta1,
                smoothing, s.positiveInt("model.anogan.discriminator-steps"), lambda,
                s.positiveInt("model.anogan.search-iterations"), positive(s, "model.anogan.search-learning-rate"),
                mode, encoderEpochs, positive(s, "model.anogan.encoder-learning-rate"), NetworkSpec.from(s).seed());
    }

    private static void requireEncoderFor(String mode, int encoderEpochs) {
        if (ENCODER.equals(mode) && encoderEpochs == 0) {
            throw new LakeadException("Setting 'model.anogan.score' is encoder but 'model.anogan.encoder-epochs' is 0:"
                    + " encoder scoring needs a trained encoder");
        }
    }

    /** The same spec scoring through its encoder (an ensemble member's), which it must then train. */
    public AnoGanSpec withEncoderScoring() {
        requireEncoderFor(ENCODER, encoderEpochs);
        return withScoreMode(ENCODER);
    }

    public AnoGanSpec withSeed(long seed) {
        return new AnoGanSpec(inputSize, latentSize, generatorSizes, discriminatorSizes, encoderSizes,
                outputActivation, learningRate, beta1, labelSmoothing, discriminatorSteps, lambda, searchIterations,
                searchLearningRate, scoreMode, encoderEpochs, encoderLearningRate, seed);
    }

    /** Latent width derived from the input width: about a third of it, 2..64. */
    static int defaultLatentSize(int inputSize) {
        return Math.max(2, Math.min(64, (int) Math.ceil(inputSize / 3.0)));
    }

    /** Width of G's first hidden layer: twice the input width rounded up to a power of two, 32..256. */
    static int defaultWidth(int inputSize) {
        return Math.max(32, Math.min(256, Integer.highestOneBit(Math.max(1, 2 * inputSize - 1)) << 1));
    }

    private static List<Integer> sizes(Settings s, String key, List<Integer> derived) {
        List<Integer> v = s.integers(key);
        if (v.isEmpty()) {
            return derived;
        }
        for (int h : v) {
            if (h <= 0) {
                throw new LakeadException("Setting '" + key + "' must hold positive sizes, got " + v);
            }
        }
        return v;
    }

    private static double positive(Settings s, String key) {
        double v = s.number(key);
        if (!(v > 0)) {
            throw new LakeadException("Setting '" + key + "' must be positive, got " + v);
        }
        return v;
    }

    public AnoGanSpec withScoreMode(String mode) {
        return new AnoGanSpec(inputSize, latentSize, generatorSizes, discriminatorSizes, encoderSizes,
                outputActivation, learningRate, beta1, labelSmoothing, discriminatorSteps, lambda, searchIterations,
                searchLearningRate, mode, encoderEpochs, encoderLearningRate, seed);
    }

    /** The same model scored with other search settings (n, learning rate, λ). */
    public AnoGanSpec withSearch(int iterations, double learningRate, double lambda) {
        return new AnoGanSpec(inputSize, latentSize, generatorSizes, discriminatorSizes, encoderSizes,
                outputActivation, this.learningRate, beta1, labelSmoothing, discriminatorSteps, lambda, iterations,
                learningRate, scoreMode, encoderEpochs, encoderLearningRate, seed);
    }

    /** Layer widths of G, input (z) first. */
    List<Integer> generatorLayers() {
        List<Integer> l = new ArrayList<>();
        l.add(latentSize);
        l.addAll(generatorSizes);
        l.add(inputSize);
        return l;
    }

    /** Layer widths of D's hidden part, input (x) first, f(x) last. */
    List<Integer> featureLayers() {
        List<Integer> l = new ArrayList<>();
        l.add(inputSize);
        l.addAll(discriminatorSizes);
        return l;
    }

    /** Layer widths of E, input (x) first, z last. */
    List<Integer> encoderLayers() {
        List<Integer> l = new ArrayList<>();
        l.add(inputSize);
        l.addAll(encoderSizes);
        l.add(latentSize);
        return l;
    }

    int featureSize() {
        return discriminatorSizes.get(discriminatorSizes.size() - 1);
    }

    List<DenseStack.Act> generatorActs() {
        List<DenseStack.Act> a = new ArrayList<>();
        for (int i = 0; i < generatorSizes.size(); i++) {
            a.add(DenseStack.Act.LEAKY_RELU);
        }
        a.add(SIGMOID.equals(outputActivation) ? DenseStack.Act.SIGMOID : DenseStack.Act.IDENTITY);
        return a;
    }

    List<DenseStack.Act> featureActs() {
        List<DenseStack.Act> a = new ArrayList<>();
        for (int i = 0; i < discriminatorSizes.size(); i++) {
            a.add(DenseStack.Act.LEAKY_RELU);
        }
        return a;
    }

    List<DenseStack.Act> encoderActs() {
        List<DenseStack.Act> a = new ArrayList<>();
        for (int i = 0; i < encoderSizes.size(); i++) {
            a.add(DenseStack.Act.LEAKY_RELU);
        }
        a.add(DenseStack.Act.IDENTITY);
        return a;
    }

    int generatorParams() {
        return DenseStack.paramCount(generatorLayers());
    }

    /** D's parameters: the hidden layers and the output unit. */
    int discriminatorParams() {
        return DenseStack.paramCount(featureLayers()) + featureSize() + 1;
    }

    int encoderParams() {
        return DenseStack.paramCount(encoderLayers());
    }

    public Map<String, Object> asMap() {
        return SpecJson.asMap(this);
    }

    String toJson() {
        return SpecJson.toJson(this);
    }

    static AnoGanSpec fromJson(String json) {
        return SpecJson.fromJson(json, AnoGanSpec.class, "AnoGAN");
    }
}
