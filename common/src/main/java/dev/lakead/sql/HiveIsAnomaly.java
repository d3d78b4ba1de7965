package dev.lakead.sql;

import dev.lakead.scoring.RealtimeScorer;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;

/**
 * The scalar decision as a Hive UDF ({@code CREATE FUNCTION lakead_is_anomaly AS 'dev.lakead.sql.HiveIsAnomaly'
 * USING JAR '…'}): whether {@link HiveAnomalyScore}'s score is above the bundle's threshold.
 */
public class HiveIsAnomaly extends HiveAnomalyScore {
    @Override
    String name() {
        return "lakead_is_anomaly";
    }

    @Override
    ObjectInspector output() {
        return PrimitiveObjectInspectorFactory.javaBooleanObjectInspector;
    }

    @Override
    Object output(double score, RealtimeScorer scorer) {
        return score > scorer.threshold().value();
    }
}
