package dev.lakead.models.vae;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The VAE as a SameDiff graph. Inputs: placeholders {@code x} [n, d] and {@code eps} [n, latent] (the
 * reparameterisation noise is fed from outside, so training is seeded and scoring with ε = 0 is deterministic).
 * Outputs per row: {@code recon}, {@code kl}, {@code score} = recon + β·kl, {@code mu}; and {@code loss}, their mean.
 */
final class VaeGraph {
    static final String X = "x";
    static final String EPS = "eps";
    static final String MU = "mu";
    static final String RECON = "recon";
    static final String KL = "kl";
    static final String SCORE = "score";
    static final String LOSS = "loss";
    static final double LOG_VARIANCE_SCALE = 10.0;
    static final double MIN_LOG_VARIANCE = -7.0;
    static final double MAX_LOG_VARIANCE = 3.0;

    final SameDiff sd;
    /** Trainable variables in a fixed order: the layout of the flat parameter vector. */
    final List<SDVariable> params = new ArrayList<>();
    private final VaeSpec spec;

    VaeGraph(VaeSpec spec, float[] flat) {
        this.spec = spec;
        this.sd = SameDiff.create();
        Random init = new Random(spec.seed());
        SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, spec.inputSize());
        SDVariable eps = sd.placeHolder(EPS, DataType.FLOAT, -1, spec.latentSize());

        SDVariable h = x;
        int prev = spec.inputSize();
        for (int i = 0; i < spec.hiddenSizes().size(); i++) {
            h = sd.nn.relu(dense("enc" + i, h, prev, spec.hiddenSizes().get(i), init), 0);
            prev = spec.hiddenSizes().get(i);
        }
        SDVariable mu = sd.identity(MU, dense("mu", h, prev, spec.latentSize(), init));
        SDVariable logVar = dense("logvar", h, prev, spec.latentSize(), init);
        SDVariable z = mu.add(eps.mul(sd.math.exp(logVar.mul(0.5))));

        SDVariable g = z;
        prev = spec.latentSize();
        for (int i = spec.hiddenSizes().size() - 1; i >= 0; i--) {
            g = sd.nn.relu(dense("dec" + i, g, prev, spec.hiddenSizes().get(i), init), 0);
            prev = spec.hiddenSizes().get(i);
        }
        SDVariable out = dense("out", g, prev, spec.inputSize(), init);

        SDVariable recon = VaeSpec.BERNOULLI.equals(spec.reconstruction()) ? bernoulliNll(x, out) : gaussianNll(x, out);
        sd.identity(RECON, recon);
        // 4.2.2: KL(q(z|x) || N(0, I)) = -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2)
        SDVariable kl = rowSum(logVar.add(1.0).sub(sd.math.square(mu)).sub(sd.math.exp(logVar)), spec.latentSize())
                .mul(-0.5);
        sd.identity(KL, kl);
        SDVariable score = sd.identity(SCORE, recon.add(kl.mul(spec.beta())));
        sd.mean(LOSS, score);
        if (flat != null) {
            setParams(flat);
        }
    }

    /**
     * -log p(x|z) for Bernoulli outputs from logits l, softplus(l) - x*l (stable BCE), less its floor H(x), with x
     * clipped to [0,1]; a value outside the training range adds its squared distance to that range, so it cannot
     * lower the score.
     */
    private SDVariable bernoulliNll(SDVariable x, SDVariable logits) {
        SDVariable clipped = sd.math.clipByValue(x, 0.0, 1.0);
        SDVariable bce = sd.nn.softplus(logits).sub(clipped.mul(logits));
        // BCE of a continuous x in (0,1) never reaches 0: its floor is the entropy H(x), largest at x = 0.5.
        // Subtracting it (BCE - H = KL(Bernoulli(x) || Bernoulli(p))) leaves the gradients unchanged and keeps the
        // score from ranking records by how close their values are to 0.5.
        SDVariable safe = sd.math.clipByValue(x, 1e-6, 1 - 1e-6);
        SDVariable entropy = safe.mul(sd.math.log(safe)).add(safe.rsub(1.0).mul(sd.math.log(safe.rsub(1.0)))).neg();
        SDVariable outside = sd.math.square(x.sub(clipped));
        return rowSum(bce.sub(entropy).add(outside), spec.inputSize());
    }

    /**
     * -log p(x|z) for a Gaussian decoder up to a constant: 1/2 * sum((x - mean)^2 / var + log var). With
     * learnVariance the per-feature log-variance is a trained parameter (standardised sensors are rarely as noisy
     * as unit variance assumes, and a fixed variance lets the KL term swamp the reconstruction); without it,
     * var = 1 and the term is half the squared error.
     */
    private SDVariable gaussianNll(SDVariable x, SDVariable mean) {
        SDVariable sq = sd.math.square(x.sub(mean));
        if (!spec.learnVariance()) {
            return rowSum(sq, spec.inputSize()).mul(0.5);
        }
        // Adam moves each parameter by about the learning rate per step, but the log-variance has to travel
        // several units (noise at 1 % of a feature's spread is log-variance -9): a 10x scale lets it get there.
        SDVariable raw = sd.var("dec_logvar", Nd4j.zeros(DataType.FLOAT, spec.inputSize()));
        params.add(raw);
        // floor at variance e^-7 (a standard deviation of 3 % of the feature's): a vanishing variance makes the
        // loss of one unusual training row explode
        SDVariable logVar = sd.math.clipByValue(raw.mul(LOG_VARIANCE_SCALE), MIN_LOG_VARIANCE, MAX_LOG_VARIANCE);
        return rowSum(sq.mul(sd.math.exp(logVar.neg())).add(logVar), spec.inputSize()).mul(0.5);
    }

    /** Sum over each row; ND4J's reduction over a dimension of size 1 fails in SameDiff, so reshape that case. */
    private SDVariable rowSum(SDVariable v, int width) {
        return width == 1 ? sd.reshape(v, -1) : v.sum(1);
    }

    private SDVariable dense(String name, SDVariable in, int nIn, int nOut, Random init) {
        double scale = Math.sqrt(2.0 / (nIn + nOut)); // Xavier
        float[] w = new float[nIn * nOut];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (init.nextGaussian() * scale);
        }
        SDVariable weights = sd.var(name + "_w", Nd4j.create(w, new long[]{nIn, nOut}, 'c'));
        SDVariable bias = sd.var(name + "_b", Nd4j.zeros(DataType.FLOAT, nOut));
        params.add(weights);
        params.add(bias);
        return sd.nn.linear(in, weights, bias);
    }

    float[] params() {
        int n = 0;
        for (SDVariable v : params) {
            n += (int) v.getArr().length();
        }
        float[] flat = new float[n];
        int off = 0;
        for (SDVariable v : params) {
            float[] a = v.getArr().dup('c').data().asFloat();
            System.arraycopy(a, 0, flat, off, a.length);
            off += a.length;
        }
        return flat;
    }

    void setParams(float[] flat) {
        int off = 0;
        for (SDVariable v : params) {
            INDArray arr = v.getArr();
            int len = (int) arr.length();
            if (off + len > flat.length) {
                throw new IllegalArgumentException("parameter vector too short for the VAE layout");
            }
            float[] part = new float[len];
            System.arraycopy(flat, off, part, 0, len);
            arr.assign(Nd4j.create(part, arr.shape(), 'c'));
            off += len;
        }
        if (off != flat.length) {
            throw new IllegalArgumentException("parameter vector has " + flat.length + " values, the VAE " + off);
        }
    }

    void enableTraining() {
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(spec.learningRate()))
                .dataSetFeatureMapping(X, EPS)
                .markLabelsUnused()
                .minimize(LOSS)
                .build());
    }

    /** Standard normal noise [rows, latent] from a seeded generator. */
    INDArray noise(int rows, Random rng) {
        float[] e = new float[rows * spec.latentSize()];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(e, new long[]{rows, spec.latentSize()}, 'c');
    }

    INDArray zeroNoise(int rows) {
        return Nd4j.zeros(DataType.FLOAT, rows, spec.latentSize());
    }
}
