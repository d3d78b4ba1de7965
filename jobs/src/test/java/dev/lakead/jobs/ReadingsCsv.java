package dev.lakead.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiPredicate;

/**
 * The command-line tests' small lake: a CSV of four sensors per reading (s2 = s0 + s1, s3 = s0 - s1, plus noise), a
 * day column and four devices. A labelled anomaly breaks s2 = s0 + s1 by 3-4 standard deviations; a drifted day
 * shifts s0, s2 and s3 by 3 on every row (drift, not anomalies).
 */
final class ReadingsCsv {
    static final String HEADER = "record_id,dt,device_id,s0,s1,s2,s3,label";

    private ReadingsCsv() {
    }

    /** Writes the readings and returns how many are labelled anomalies. */
    static int write(Path csv, List<String> days, int rowsPerDay, long seed, BiPredicate<String, Integer> anomaly,
                     String driftedDay) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        Random r = new Random(seed);
        long id = 0;
        int anomalies = 0;
        for (String day : days) {
            for (int i = 0; i < rowsPerDay; i++, id++) {
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                double[] s = {a, b, a + b + 0.1 * r.nextGaussian(), a - b + 0.1 * r.nextGaussian()};
                boolean isAnomaly = anomaly.test(day, i);
                if (isAnomaly) { // breaks the relation s2 = s0 + s1
                    s[2] += (r.nextBoolean() ? 1 : -1) * (3 + r.nextDouble());
                    anomalies++;
                }
                if (day.equals(driftedDay)) {
                    s[0] += 3;
                    s[2] += 3;
                    s[3] += 3;
                }
                lines.add(String.format(Locale.ROOT, "%d,%s,dev-%d,%.5f,%.5f,%.5f,%.5f,%d", id, day, i % 4, s[0], s[1],
                        s[2], s[3], isAnomaly ? 1 : 0));
            }
        }
        Files.write(csv, lines);
        return anomalies;
    }
}
