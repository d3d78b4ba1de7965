package dev.lakead.models.ensemble;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.autoencoder.AutoencoderModel;
import dev.lakead.models.autoencoder.AutoencoderSpec;
import org.apache.spark.mllib.linalg.Matrices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ensemble's latent term: the distance by hand, the autoencoder's code, and the bytes (old format included). */
class LatentTermTest {
    private static final EnsembleSpec SPEC = new EnsembleSpec(List.of("autoencoder"), List.of(1.0), 0.9, "mean",
            false, true);

    @Test
    void theDistanceIsMahalanobisUnderTheShrunkCovariance() {
        // variances 4 and 1, no correlation; the ridge is 1e-3 of the mean variance 2.5
        LatentDensity d = LatentDensity.of(new double[]{1, 2}, Matrices.dense(2, 2, new double[]{4, 0, 0, 1}));
        double ridge = LatentDensity.SHRINKAGE * 2.5;
        assertEquals(4 / (4 + ridge), d.distance(new double[]{3, 2}), 1e-12);
        assertEquals(9 / (1 + ridge), d.distance(new double[]{1, 5}), 1e-12);
        assertEquals(4 / (4 + ridge) + 9 / (1 + ridge), d.distance(new double[]{3, 5}), 1e-12);
        assertEquals(0.0, d.distance(new double[]{1, 2}), 0.0);
        // a degenerate (all-equal) code dimension stays invertible
        LatentDensity flat = LatentDensity.of(new double[]{0, 0}, Matrices.dense(2, 2, new double[]{1, 0, 0, 0}));
        assertTrue(Double.isFinite(flat.distance(new double[]{0, 1})) && flat.distance(new double[]{0, 1}) > 1e3);
    }

    @Test
    void theAutoencodersCodeIsItsBottleneck() {
        AutoencoderModel ae = autoencoder();
        INDArray batch = Nd4j.rand(DataType.FLOAT, 5, 6);
        INDArray code = ae.latent(batch);
        assertArrayEquals(new long[]{5, 3}, code.shape());
        assertEquals(3, ae.latentSize());
        assertEquals(ae.network().feedForwardToLayer(1, batch, false).get(2), code); // 6 -> 8 -> [3] -> 8 -> 6
    }

    @Test
    void theLatentTermAddsToTheScoreAndSurvivesTheBytes() {
        AutoencoderModel ae = autoencoder();
        INDArray batch = Nd4j.rand(DataType.FLOAT, 8, 6);
        LatentDensity density = LatentDensity.of(new double[]{0, 0, 0},
                Matrices.dense(3, 3, new double[]{1, 0, 0, 0, 1, 0, 0, 0, 1}));
        EnsembleModel.LatentTerm term = new EnsembleModel.LatentTerm(density, new ScoreScale(0.5, 2.0));
        EnsembleModel with = ensemble(ae, term);
        EnsembleModel without = ensemble(ae, null);

        double[] reconstruction = without.score(batch);
        double[] distances = density.distances(ae.latent(batch));
        double[] expected = new double[reconstruction.length];
        for (int r = 0; r < expected.length; r++) { // mean of the two normalised terms
            expected[r] = (reconstruction[r] + (distances[r] - 0.5) / 2.0) / 2;
        }
        assertArrayEquals(expected, with.score(batch), 1e-9);
        assertNotEquals(Arrays.toString(reconstruction), Arrays.toString(with.score(batch)));

        EnsembleModel back = EnsembleModel.fromBytes(with.toBytes());
        assertArrayEquals(with.score(batch), back.score(batch), 1e-9);
        assertTrue(back.hyperparameters().toString().contains("latent_distance_median=0.5"));
    }

    @Test
    void anEnsembleOfTheFirstFormatStillLoadsWithoutLatentTerms() throws Exception {
        AutoencoderModel ae = autoencoder();
        byte[] member = ae.toBytes();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes); // format 1, as written before latent terms existed
        out.writeInt(0x1ADE_E45B);
        out.writeInt(1);
        out.writeUTF("autoencoder");
        out.writeInt(1);
        out.writeDouble(1.0);
        out.writeDouble(0.9);
        out.writeUTF("mean");
        out.writeBoolean(false);
        out.writeInt(1);
        out.writeUTF("autoencoder");
        out.writeDouble(0.0);
        out.writeDouble(1.0);
        out.writeInt(0);
        out.writeInt(member.length);
        out.write(member);
        EnsembleModel old = EnsembleModel.fromBytes(bytes.toByteArray());
        INDArray batch = Nd4j.rand(DataType.FLOAT, 4, 6);
        assertArrayEquals(ae.score(batch), old.score(batch), 1e-9);
        assertEquals(false, old.hyperparameters().get("latent_distance"));
    }

    private static EnsembleModel ensemble(AnomalyModel member, EnsembleModel.LatentTerm term) {
        List<double[]> weights = new ArrayList<>();
        weights.add(null);
        List<EnsembleModel.LatentTerm> terms = new ArrayList<>();
        terms.add(term);
        return new EnsembleModel(SPEC, List.of(member), List.of(new ScoreScale(0.0, 1.0)), weights, terms);
    }

    private static AutoencoderModel autoencoder() {
        MultiLayerNetwork net = new MultiLayerNetwork(new AutoencoderSpec(6, List.of(8, 3), "identity", 0.001, 0.0, 7)
                .configuration());
        net.init();
        return new AutoencoderModel(net, Map.of());
    }
}
