package dev.lakead.models.autoencoder;

import dev.lakead.training.MiniBatch;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DL4J's own {@code fit} is the reference: the dense trainer must take the same steps. */
class DenseAutoencoderTrainerTest {
    private static final int WIDTH = 24;

    private static MultiLayerNetwork network(AutoencoderSpec spec) {
        MultiLayerNetwork net = new MultiLayerNetwork(spec.configuration());
        net.init();
        return net;
    }

    private static DenseAutoencoderTrainer trainerFrom(MultiLayerNetwork net) {
        DenseAutoencoderTrainer t = DenseAutoencoderTrainer.of(net.getLayerWiseConfigurations()).orElseThrow();
        t.setParams(net.params().toFloatVector());
        return t;
    }

    /** Batches of rows in [0, 1] with structure (two hidden drivers) and noise; the last one shorter. */
    private static List<MiniBatch> batches(int count, int rows, long seed) {
        Random rng = new Random(seed);
        List<MiniBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int n = b == count - 1 ? rows / 2 + 1 : rows;
            float[] data = new float[n * WIDTH];
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble();
                double v = rng.nextDouble();
                for (int j = 0; j < WIDTH; j++) {
                    double x = 0.5 + 0.3 * Math.sin(u * (j + 1)) * v + 0.05 * rng.nextGaussian();
                    data[i * WIDTH + j] = (float) Math.min(1, Math.max(0, x));
                }
            }
            out.add(new MiniBatch(data, n, WIDTH));
        }
        return out;
    }

    private static DataSet dataSet(MiniBatch b) {
        INDArray x = b.toArray();
        return new DataSet(x, x.dup());
    }

    @Test
    void flatLayoutIsDl4jsParamsWithWeightsInColumnMajorOrder() {
        MultiLayerNetwork net = network(new AutoencoderSpec(WIDTH, List.of(16, 8, 3), "sigmoid", 1e-3, 0, 11));
        DenseAutoencoderTrainer t = trainerFrom(net);
        for (int i = 0; i < net.getnLayers(); i++) {
            assertEquals(net.getLayer(i).getParam("W"), t.weights(i), "W of layer " + i);
            assertEquals(net.getLayer(i).getParam("b").reshape(t.biases(i).shape()), t.biases(i), "b of layer " + i);
        }
        assertArrayEquals(net.params().toFloatVector(), t.params());
    }

    @Test
    void oneStepGivesDl4jsParameters() {
        for (AutoencoderSpec spec : List.of(
                new AutoencoderSpec(WIDTH, List.of(16, 8, 3), "sigmoid", 1e-2, 0, 5),
                new AutoencoderSpec(WIDTH, List.of(16, 4), "identity", 1e-2, 1e-3, 6))) {
            MultiLayerNetwork net = network(spec);
            DenseAutoencoderTrainer t = trainerFrom(net);
            MiniBatch batch = batches(1, 40, 2).get(0);
            net.fit(dataSet(batch));
            double loss = t.step(batch);
            assertEquals(net.score(), loss, 1e-5 * Math.abs(net.score()), spec.outputActivation() + " loss");
            float[] expected = net.params().toFloatVector();
            float[] actual = t.params();
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], actual[k], 1e-4, spec.outputActivation() + " parameter " + k);
            }
        }
    }

    @Test
    void twentyStepsFollowDl4jsLossCurve() {
        AutoencoderSpec spec = new AutoencoderSpec(WIDTH, List.of(32, 16, 4), "sigmoid", 3e-3, 1e-4, 9);
        MultiLayerNetwork net = network(spec);
        DenseAutoencoderTrainer t = trainerFrom(net);
        List<MiniBatch> batches = batches(20, 32, 4);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int i = 0; i < batches.size(); i++) {
            net.fit(dataSet(batches.get(i)));
            double expected = net.score();
            double actual = t.step(batches.get(i));
            assertEquals(expected, actual, 1e-3 * expected, "iteration " + i);
            first = Double.isNaN(first) ? actual : first;
            last = actual;
        }
        assertTrue(last < first, "the loss falls: " + first + " -> " + last);
        // and the holdout loss is DL4J's score of a batch without a step
        MiniBatch probe = batches(1, 50, 8).get(0);
        double expected = net.score(dataSet(probe));
        assertEquals(expected, t.loss(probe, 0), 1e-3 * expected);
    }

    @Test
    void refusesWhatItDoesNotReproduce() {
        AutoencoderSpec spec = new AutoencoderSpec(WIDTH, List.of(8), "sigmoid", 1e-3, 0, 1);
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = spec.configuration();
        ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(0).getLayer())
                .setIUpdater(new org.nd4j.linalg.learning.config.Sgd(0.1));
        assertTrue(DenseAutoencoderTrainer.of(conf).isEmpty());
    }

    /** Moments below 1e-30 (bound for the subnormal range, where arithmetic is slow) become 0; others stay. */
}
