package dev.lakead.models.autoencoder;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.DenseForward;
import dev.lakead.models.LatentSpace;
import dev.lakead.models.NetworkModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * A trained dense Autoencoder; the anomaly score is the mean squared reconstruction error of a row (4.1.1). Its
 * latent code is the bottleneck layer's output (the middle layer: the decoder mirrors the encoder).
 */
public final class AutoencoderModel extends NetworkModel implements LatentSpace {
    public static final String TYPE = "autoencoder";

    /** The scoring fast path, built on first use (after training has set the parameters). */
    private transient DenseForward forward;

    public AutoencoderModel(MultiLayerNetwork network, Map<String, Object> hyperparameters) {
        super(network, hyperparameters);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Squared error of each feature. */
    @Override
    public INDArray featureErrors(INDArray batch) {
        DenseForward f = forward();
        INDArray diff = (f != null ? f.output(batch) : network.output(batch, false)).subi(batch);
        return diff.muli(diff);
    }

    /** Mean squared error per row (the mean of {@link #featureErrors}, without materialising them). */
    @Override
    public double[] score(INDArray batch) {
        DenseForward f = forward();
        return f != null ? f.meanSquaredError(batch) : super.score(batch);
    }

    @Override
    public INDArray latent(INDArray batch) {
        int bottleneck = latentLayer();
        return network.feedForwardToLayer(bottleneck, batch, false).get(bottleneck + 1);
    }

    @Override
    public int latentSize() {
        return (int) network.layerSize(latentLayer());
    }

    /** Encoder layers, then as many decoder layers with the output layer last: the bottleneck ends the first half. */
    private int latentLayer() {
        return network.getnLayers() / 2 - 1;
    }

    private DenseForward forward() {
        if (forward == null) {
            forward = DenseForward.of(network).orElse(null);
        }
        return forward;
    }

    @Override
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeNetwork(out);
        return out.toByteArray();
    }

    @Override
    public AnomalyModel copy() {
        return new AutoencoderModel(network.clone(), hyperparameters());
    }

    static AutoencoderModel fromBytes(byte[] bytes) {
        MultiLayerNetwork net = readNetwork(new ByteArrayInputStream(bytes), TYPE);
        return new AutoencoderModel(net, Map.of("input_size", net.layerInputSize(0)));
    }
}
