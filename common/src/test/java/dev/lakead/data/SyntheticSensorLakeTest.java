package dev.lakead.data;

import dev.lakead.SparkTestSupport;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hard lake's anomalies are exactly what its documentation says: compared with the same lake generated without
 * anomalies (same seeds, so the same normal values), an anomalous record differs in one sensor or two neighbouring
 * ones, each by one standard deviation of that sensor, and stays inside the sensor's normal range; normal records are
 * untouched.
 */
class SyntheticSensorLakeTest extends SparkTestSupport {
    private static final int SENSORS = 8;

    private static SyntheticSensorLake.Spec hard(double anomalyRate) {
        return new SyntheticSensorLake.Spec(1_000, 2, SENSORS, anomalyRate, 0.0, 5, LocalDate.of(2026, 11, 1), 2)
                .withDifficulty(SyntheticSensorLake.Difficulty.HARD);
    }

    @Test
    void hardAnomaliesMoveOneOrTwoNeighbouringSensorsByOneDeviationInsideTheirRange() {
        List<Row> withAnomalies = SyntheticSensorLake.generate(spark, hard(0.05)).orderBy("record_id").collectAsList();
        List<Row> clean = SyntheticSensorLake.generate(spark, hard(0.0)).orderBy("record_id").collectAsList();
        assertEquals(2_000, withAnomalies.size());
        double[] min = new double[SENSORS];
        double[] max = new double[SENSORS];
        double[] sum = new double[SENSORS];
        double[] sumSq = new double[SENSORS];
        java.util.Arrays.fill(min, Double.MAX_VALUE);
        java.util.Arrays.fill(max, -Double.MAX_VALUE);
        for (Row r : clean) {
            assertEquals(0, (int) r.getAs("label"));
            for (int i = 0; i < SENSORS; i++) {
                double v = r.getAs(SyntheticSensorLake.sensorName(i));
                min[i] = Math.min(min[i], v);
                max[i] = Math.max(max[i], v);
                sum[i] += v;
                sumSq[i] += v * v;
            }
        }
        Map<Integer, Double> moveBySensor = new HashMap<>();
        int anomalies = 0;
        for (int n = 0; n < clean.size(); n++) {
            Row a = withAnomalies.get(n);
            Row c = clean.get(n);
            List<Integer> moved = new java.util.ArrayList<>();
            for (int i = 0; i < SENSORS; i++) {
                String s = SyntheticSensorLake.sensorName(i);
                double d = Math.abs((double) a.getAs(s) - (double) c.getAs(s));
                if (d > 0) {
                    moved.add(i);
                    double v = a.getAs(s);
                    assertTrue(v >= min[i] && v <= max[i], s + " = " + v + " leaves the normal range");
                    Double before = moveBySensor.putIfAbsent(i, d);
                    assertEquals(before == null ? d : before, d, 1e-9, "every move of " + s + " is the same size");
                }
            }
            if ((int) a.getAs("label") == 0) {
                assertEquals(List.of(), moved, "record " + n + " is normal");
                continue;
            }
            anomalies++;
            boolean neighbours = moved.size() == 2 && (moved.get(1) - moved.get(0) == 1
                    || moved.get(0) == 0 && moved.get(1) == SENSORS - 1);
            assertTrue(moved.size() == 1 || neighbours, "record " + n + " moved sensors " + moved);
        }
        assertEquals(100, anomalies, 25);
        assertEquals(SENSORS, moveBySensor.size(), "every sensor is moved somewhere");
        for (int i = 0; i < SENSORS; i++) {
            double mean = sum[i] / clean.size();
            double sd = Math.sqrt(sumSq[i] / clean.size() - mean * mean);
            assertEquals(sd, moveBySensor.get(i), 0.15 * sd, "sensor " + i + " moves by about one deviation");
        }
    }
}
