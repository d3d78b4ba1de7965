package dev.lakead.models;

import dev.lakead.models.autoencoder.AutoencoderSpec;
import org.apache.spark.SparkConf;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DenseForwardTest {

    private static MultiLayerNetwork autoencoder(int inputs, List<Integer> hidden, String output) {
        MultiLayerNetwork net = new MultiLayerNetwork(
                new AutoencoderSpec(inputs, hidden, output, 1e-3, 0, 7).configuration());
        net.init();
        return net;
    }

    @Test
    void sameOutputAsTheNetworkForBothOutputActivationsAndAChangingBatchSize() {
        for (String activation : List.of("sigmoid", "identity")) {
            MultiLayerNetwork net = autoencoder(30, List.of(16, 8, 3), activation);
            DenseForward forward = DenseForward.of(net).orElseThrow();
            Nd4j.getRandom().setSeed(3);
            for (int rows : new int[]{64, 64, 17, 1, 64}) {
                INDArray x = Nd4j.rand(DataType.FLOAT, rows, 30);
                INDArray expected = net.output(x, false);
                INDArray actual = forward.output(x);
                assertEquals(rows, actual.size(0));
                assertEquals(30, actual.size(1));
                double maxDiff = actual.sub(expected).amaxNumber().doubleValue();
                assertTrue(maxDiff < 1e-6, activation + " rows=" + rows + ": max difference " + maxDiff);
            }
        }
    }

    @Test
    void meanSquaredErrorIsTheMeanOfTheSquaredDifferencesPerRow() {
        MultiLayerNetwork net = autoencoder(12, List.of(8, 3), "sigmoid");
        DenseForward forward = DenseForward.of(net).orElseThrow();
        for (int rows : new int[]{40, 7}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, rows, 12);
            INDArray diff = net.output(x, false).sub(x);
            double[] expected = diff.mul(diff).mean(1).toDoubleVector();
            double[] actual = forward.meanSquaredError(x);
            assertEquals(rows, actual.length);
            for (int i = 0; i < rows; i++) {
                assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, expected[i]), "row " + i);
            }
        }
        // a view (every other row) is read as its own rows, not as the buffer underneath
        INDArray big = Nd4j.rand(DataType.FLOAT, 10, 12);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 6),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray d = net.output(view.dup(), false).sub(view);
        assertEquals(d.mul(d).mean(1).getDouble(3), forward.meanSquaredError(view)[3], 1e-6);
    }

    @Test
    void theReturnedArrayIsNotOverwrittenByTheNextBatch() {
        MultiLayerNetwork net = autoencoder(10, List.of(8, 4), "sigmoid");
        DenseForward forward = DenseForward.of(net).orElseThrow();
        INDArray first = forward.output(Nd4j.ones(DataType.FLOAT, 5, 10));
        INDArray copy = first.dup();
        forward.output(Nd4j.zeros(DataType.FLOAT, 5, 10));
        assertEquals(copy, first);
    }

    @Test
    void doubleInputIsCastAndNonDenseNetworksAreDeclined() {
        MultiLayerNetwork net = autoencoder(10, List.of(8, 4), "identity");
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 10);
        INDArray out = DenseForward.of(net).orElseThrow().output(x);
        assertTrue(out.sub(net.output(x.castTo(DataType.FLOAT), false)).amaxNumber().doubleValue() < 1e-6);

        MultiLayerNetwork lstm = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).build())
                .layer(new RnnOutputLayer.Builder().nIn(4).nOut(3).build())
                .build());
        lstm.init();
        assertTrue(DenseForward.of(lstm).isEmpty());
    }

    @Test
    void threadsPerTaskFollowTheSettingElseSparkTaskCpus() {
        assertEquals(1, NativeThreads.perTask(new SparkConf(false)));
        assertEquals(3, NativeThreads.perTask(new SparkConf(false).set("spark.task.cpus", "3")));
        assertEquals(2, NativeThreads.perTask(new SparkConf(false).set("spark.task.cpus", "3")
                .set(NativeThreads.SPARK_KEY, "2")));
    }
}
