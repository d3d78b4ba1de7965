package dev.lakead.models.lstm;

import dev.lakead.config.Settings;
import dev.lakead.models.AnomalyModel;
import dev.lakead.models.ModelFamily;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A test-only sequence family (found through META-INF/services) whose window score is the largest value of the
 * window's first feature: scores that can be worked out by hand, pushed through the LSTM-AE's real record scoring
 * (windows, stride, aggregation over the windows covering a record).
 */
public final class WindowPeakFamily implements ModelFamily<Void> {
    public static final String TYPE = "test-window-peak";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Void spec(Settings settings, int inputSize, String scaler) {
        return null;
    }

    @Override
    public Trained train(Dataset<Row> features, Void spec, dev.lakead.training.TrainingOptions options) {
        throw new UnsupportedOperationException("nothing to train");
    }

    @Override
    public AnomalyModel decode(byte[] bytes) {
        return new Peak();
    }

    @Override
    public dev.lakead.models.ScoringSpec scoring(Settings settings) {
        return new LstmAutoencoderFamily().scoring(settings);
    }

    /** Window score = max over the window's steps of feature 0 (windows arrive as [n, features, steps]). */
    public static final class Peak implements AnomalyModel {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public int inputSize() {
            return 1;
        }

        @Override
        public double[] score(INDArray batch) {
            double[] s = new double[(int) batch.size(0)];
            for (int i = 0; i < s.length; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < batch.size(2); t++) {
                    m = Math.max(m, batch.getDouble(i, 0, t));
                }
                s[i] = m;
            }
            return s;
        }

        @Override
        public byte[] toBytes() {
            return new byte[0];
        }

        @Override
        public AnomalyModel copy() {
            return this;
        }

        @Override
        public Map<String, Object> hyperparameters() {
            return Map.of();
        }
    }
}
