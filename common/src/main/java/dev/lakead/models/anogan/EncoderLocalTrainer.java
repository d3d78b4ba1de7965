package dev.lakead.models.anogan;

import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;

/**
 * Trains the encoder E of Fast-AnoGAN (izi_f) after the GAN, on one worker's mini-batches: minimises
 * (1 − λ)·mean|x − G(E(x))| + λ·mean|f(x) − f(G(E(x)))| — the latent search's objective, so that E(x) learns to
 * answer what the search would find, in one pass — with G and D frozen. Parameters (averaged across workers) are
 * E's only; so is the Adam state.
 */
final class EncoderLocalTrainer implements LocalTrainer {
    private final ComputationGraph graph;
    private final DenseStack features;
    private final List<String> encoderLayers;

    EncoderLocalTrainer(AnoGanSpec spec, float[] generatorParams, float[] discriminatorParams) {
        this.graph = AnoGanNetworks.encoderGraph(spec, generatorParams, discriminatorParams);
        this.features = new DenseStack(spec.featureLayers(), spec.featureActs(), discriminatorParams, 0);
        this.encoderLayers = AnoGanNetworks.encoderLayerNames(spec);
    }

    @Override
    public float[] params() {
        int n = 0;
        for (String l : encoderLayers) {
            n += (int) graph.getLayer(l).numParams();
        }
        float[] out = new float[n];
        int off = 0;
        for (String l : encoderLayers) {
            float[] p = graph.getLayer(l).params().toFloatVector();
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    @Override
    public void setParams(float[] flat) {
        int off = 0;
        for (String l : encoderLayers) {
            off = AnoGanNetworks.copyInto(graph.getLayer(l).params(), flat, off);
        }
        if (off != flat.length) {
            throw new IllegalArgumentException("encoder parameter vector has " + flat.length + " values, E " + off);
        }
    }

    @Override
    public float[] updaterState() {
        INDArray s = graph.getUpdater(true).getStateViewArray();
        float[] out = new float[1 + (int) s.length()];
        out[0] = graph.getIterationCount();
        System.arraycopy(s.toFloatVector(), 0, out, 1, (int) s.length());
        return out;
    }

    @Override
    public void setUpdaterState(float[] flat) {
        graph.getConfiguration().setIterationCount(Math.round(flat[0]));
        AnoGanNetworks.copyInto(graph.getUpdater(true).getStateViewArray(), flat, 1);
    }

    @Override
    public double fit(List<MiniBatch> batches, long seed) {
        double sum = 0;
        for (MiniBatch b : batches) {
            graph.fit(dataSet(b.toArray()));
            sum += graph.score() * b.rows();
        }
        return sum;
    }

    @Override
    public double loss(MiniBatch batch, long seed) {
        return graph.score(dataSet(batch.toArray()), false);
    }

    private MultiDataSet dataSet(INDArray x) {
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{x, features.forward(x)});
    }
}
