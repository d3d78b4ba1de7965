package dev.lakead.models.vae;

import dev.lakead.training.LocalTrainer;
import dev.lakead.training.MiniBatch;
import dev.lakead.training.TinyMoments;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** Fits the VAE graph on one worker's mini-batches with SameDiff's Adam, feeding seeded noise. */
final class VaeLocalTrainer implements LocalTrainer {
    private final VaeGraph graph;
    VaeLocalTrainer(VaeSpec spec) {
        this.graph = new VaeGraph(spec, null);
        graph.enableTraining();
        buildGradientsQuietly(graph.sd);
    }

    /**
     * SameDiff 1.0.0-M2.1 prints one stdout line per op while it builds the gradient graph (an unconditional
     * System.out.println); build it up front with stdout muted so executor logs and the console stay readable.
     */
    private static void buildGradientsQuietly(org.nd4j.autodiff.samediff.SameDiff sd) {
        synchronized (System.class) {
            java.io.PrintStream stdout = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    @Override
    public float[] params() {
        return graph.params();
    }

    @Override
    public void setParams(float[] flat) {
        graph.setParams(flat);
    }

    @Override
    public double fit(List<MiniBatch> batches, long seed) {
        Random rng = new Random(seed);
        for (MiniBatch b : batches) {
            INDArray x = b.toArray();
            INDArray eps = graph.noise(b.rows(), rng);
            if (b.rows() == 1) {
                // SameDiff 1.0.0-M2.1's training session fails on a one-row batch (a reduction it skips as a no-op
                // leaves a null input: NPE in BaseReduceOp.noOp). The same row twice, with the same noise, has the
                // same mean loss and the same gradients.
                x = Nd4j.concat(0, x, x);
                eps = Nd4j.concat(0, eps, eps);
            }
            graph.sd.fit(new MultiDataSet(new INDArray[]{x, eps}, new INDArray[0]));
        }
        flushTinyMoments();
        // SameDiff reports no per-iteration loss without extra listeners: measure the round's batches after it
        double sum = 0;
        for (MiniBatch b : batches) {
            sum += loss(b, seed) * b.rows();
        }
        return sum;
    }

    /** SameDiff's Adam state, kept by this worker between rounds: no subnormal moments ({@link TinyMoments}). */
    private void flushTinyMoments() {
        if (graph.sd.getUpdaterMap() == null) {
            return;
        }
        for (org.nd4j.linalg.learning.GradientUpdater<?> u : graph.sd.getUpdaterMap().values()) {
            if (u.getState() != null) {
                u.getState().values().forEach(TinyMoments::flush);
            }
        }
    }

    @Override
    public double loss(MiniBatch batch, long seed) {
        Map<String, INDArray> out = graph.sd.output(Map.of(VaeGraph.X, batch.toArray(),
                VaeGraph.EPS, graph.noise(batch.rows(), new Random(seed))), VaeGraph.LOSS);
        return out.get(VaeGraph.LOSS).getDouble(0);
    }
}
