package dev.lakead.models.anogan;

import dev.lakead.LakeadException;
import dev.lakead.models.AnomalyModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A trained AnoGAN: G, D (and E, when an encoder was trained) as DL4J flat parameter vectors. The score of a row is
 * A(x) = (1 − λ)·L_R + λ·L_D (4.3.2) at z* from the latent search ({@code search}, 4.3.3: n Adam steps for the whole
 * batch), or at z = E(x) ({@code encoder}: one pass, Fast-AnoGAN). {@link #withScoreMode} switches between them
 * on the same trained networks.
 */
public final class AnoGanModel implements AnomalyModel, dev.lakead.models.LatentSpace {
    public static final String TYPE = "anogan";
    private static final int MAGIC = 0x1ADE_0A6A;

    private final AnoGanSpec spec;
    private final float[] generator;
    private final float[] discriminator;
    private final float[] encoder;
    private final DenseStack g;
    private final DenseStack f;
    private final DenseStack e;
    private final LatentSearch search;
    /** The last searched batch and its codes, so that latent() right after score() does not search again. */
    private INDArray lastBatch;
    private INDArray lastCodes;

    /**
     * @param generator     G's DL4J flat parameters
     * @param discriminator D's DL4J flat parameters (feature layers, then the output unit)
     * @param encoder       E's DL4J flat parameters, or null when no encoder was trained
     */
    public AnoGanModel(AnoGanSpec spec, float[] generator, float[] discriminator, float[] encoder) {
        if (generator.length != spec.generatorParams() || discriminator.length != spec.discriminatorParams()
                || (encoder != null && encoder.length != spec.encoderParams())) {
            throw new LakeadException("AnoGAN parameters do not match the specification " + spec.asMap());
        }
        if (AnoGanSpec.ENCODER.equals(spec.scoreMode()) && encoder == null) {
            throw new LakeadException("Score mode 'encoder' needs an encoder, but this AnoGAN has none"
                    + " (trained with model.anogan.encoder-epochs = 0)");
        }
        this.spec = spec;
        this.generator = generator.clone();
        this.discriminator = discriminator.clone();
        this.encoder = encoder == null ? null : encoder.clone();
        this.g = new DenseStack(spec.generatorLayers(), spec.generatorActs(), this.generator, 0);
        this.f = new DenseStack(spec.featureLayers(), spec.featureActs(), this.discriminator, 0);
        this.e = encoder == null ? null : new DenseStack(spec.encoderLayers(), spec.encoderActs(), this.encoder, 0);
        this.search = new LatentSearch(spec, g, f);
    }

    public AnoGanSpec spec() {
        return spec;
    }

    public boolean hasEncoder() {
        return encoder != null;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public List<String> scoreModes() {
        return encoder == null ? List.of(AnoGanSpec.SEARCH) : List.of(AnoGanSpec.SEARCH, AnoGanSpec.ENCODER);
    }

    @Override
    public String scoreMode() {
        return spec.scoreMode();
    }

    @Override
    public AnoGanModel withScoreMode(String mode) {
        String m = mode == null ? "" : mode.trim().toLowerCase();
        if (!AnoGanSpec.SEARCH.equals(m) && !AnoGanSpec.ENCODER.equals(m)) {
            throw new LakeadException("An anogan model scores with search or encoder, not '" + mode + "'");
        }
        return new AnoGanModel(spec.withScoreMode(m), generator, discriminator, encoder);
    }

    /** The same networks with other search settings (iterations, learning rate, λ), e.g. for a benchmark. */
    public AnoGanModel withSearch(int iterations, double learningRate, double lambda) {
        return new AnoGanModel(spec.withSearch(iterations, learningRate, lambda), generator, discriminator, encoder);
    }

    @Override
    public double[] score(INDArray batch) {
        return terms(batch).scores();
    }

    /** The codes and both terms of the score for every row, in the current score mode. */
    LatentSearch.Result terms(INDArray batch) {
        LatentSearch.Result r = AnoGanSpec.ENCODER.equals(spec.scoreMode())
                ? search.evaluate(batch, e.forward(batch))
                : search.search(batch, spec.searchIterations());
        lastBatch = batch;
        lastCodes = r.z();
        return r;
    }

    /** Residual (L_R) and discrimination (L_D) term of every row, as two arrays. */
    public double[][] scoreTerms(INDArray batch) {
        LatentSearch.Result r = terms(batch);
        return new double[][]{r.residual(), r.discrimination()};
    }

    /** z* of the search (or E(x)) for every row. */
    @Override
    public INDArray latent(INDArray batch) {
        if (batch == lastBatch) {
            return lastCodes;
        }
        return terms(batch).z();
    }

    @Override
    public int latentSize() {
        return spec.latentSize();
    }

    /** G(z) for codes z ([rows, latent]). */
    public INDArray generate(INDArray z) {
        return g.forward(z);
    }

    /** f(x): D's feature layer for rows x. */
    public INDArray features(INDArray x) {
        return f.forward(x);
    }

    LatentSearch latentSearch() {
        return search;
    }

    float[] generatorParams() {
        return generator.clone();
    }

    float[] discriminatorParams() {
        return discriminator.clone();
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeUTF(spec.toJson());
            write(out, generator);
            write(out, discriminator);
            write(out, encoder == null ? new float[0] : encoder);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new LakeadException("Cannot serialize the AnoGAN: " + ex.getMessage(), ex);
        }
    }

    private static void write(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        for (float x : v) {
            out.writeFloat(x);
        }
    }

    private static float[] read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 28) {
            throw new IOException("bad array length " + n);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    static AnoGanModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new LakeadException("The AnoGAN network is corrupt: not a lakead AnoGAN");
            }
            AnoGanSpec spec = AnoGanSpec.fromJson(in.readUTF());
            float[] gen = read(in);
            float[] disc = read(in);
            float[] enc = read(in);
            return new AnoGanModel(spec, gen, disc, enc.length == 0 ? null : enc);
        } catch (IOException | IllegalArgumentException ex) {
            throw new LakeadException("The AnoGAN network is corrupt: " + ex.getMessage(), ex);
        }
    }

    @Override
    public AnomalyModel copy() {
        return new AnoGanModel(spec, generator, discriminator, encoder);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new java.util.LinkedHashMap<>(spec.asMap());
        m.put("has_encoder", encoder != null);
        return m;
    }
}
