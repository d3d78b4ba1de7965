package dev.lakead.models.lstm;

import dev.lakead.models.AnomalyModel;
import dev.lakead.models.NetworkModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/** A trained LSTM Autoencoder; the score of a window ([features, steps]) is its mean squared (or absolute) error. */
public final class LstmAutoencoderModel extends NetworkModel {
    public static final String TYPE = "lstm-ae";

    private final boolean absolute;

    public LstmAutoencoderModel(MultiLayerNetwork network, boolean absolute, Map<String, Object> hyperparameters) {
        super(network, hyperparameters);
        this.absolute = absolute;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Each feature's squared (or absolute) error averaged over the window's steps: [windows, features]. */
    @Override
    public INDArray featureErrors(INDArray windows) {
        INDArray diff = network.output(windows, false).subi(windows);
        INDArray err = absolute ? Transforms.abs(diff, false) : diff.muli(diff);
        return err.mean(2);
    }

    /** A leading byte (1 = MAE, 0 = MSE), then the DL4J network. */
    @Override
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(absolute ? 1 : 0);
        writeNetwork(out);
        return out.toByteArray();
    }

    static LstmAutoencoderModel fromBytes(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        boolean absolute = in.read() == 1;
        MultiLayerNetwork net = readNetwork(in, TYPE);
        return new LstmAutoencoderModel(net, absolute, Map.of("input_size", net.layerInputSize(0)));
    }

    @Override
    public AnomalyModel copy() {
        return new LstmAutoencoderModel(network.clone(), absolute, hyperparameters());
    }
}
