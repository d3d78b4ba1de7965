package dev.lakead.features;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Decides which input columns are features, and checks that they exist and are numeric. */
public final class FeatureSelection {
    private FeatureSelection() {
    }

    /** features.columns: the feature columns as configured (empty = every numeric column {@link #resolve} finds). */
    public static List<String> configured(Settings settings) {
        return settings.strings("features.columns");
    }

    /**
     * Configured columns when features.columns is set; otherwise every numeric column that is not an id, label,
     * excluded or partition column.
     */
    public static List<String> resolve(StructType schema, Settings settings, List<String> partitionColumns) {
        List<String> configured = configured(settings);
        if (!configured.isEmpty()) {
            requireNumeric(schema, configured, "features.columns");
            return configured;
        }
        Set<String> skip = new HashSet<>();
        settings.strings("features.id-columns").forEach(c -> skip.add(c.toLowerCase(Locale.ROOT)));
        settings.strings("features.exclude-columns").forEach(c -> skip.add(c.toLowerCase(Locale.ROOT)));
        partitionColumns.forEach(c -> skip.add(c.toLowerCase(Locale.ROOT)));
        String label = settings.string("features.label-column");
        if (!label.isBlank()) {
            skip.add(label.toLowerCase(Locale.ROOT));
        }
        List<String> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (f.dataType() instanceof NumericType && !skip.contains(f.name().toLowerCase(Locale.ROOT))) {
                out.add(f.name());
            }
        }
        if (out.isEmpty()) {
            throw new LakeadException("The input has no numeric feature columns (columns: "
                    + String.join(", ", schema.fieldNames()) + "); set features.columns");
        }
        return out;
    }

    /** Every column must exist and be numeric; the error names each column at fault. */
    public static void requireNumeric(StructType schema, List<String> columns, String what) {
        List<String> missing = new ArrayList<>();
        List<String> wrongType = new ArrayList<>();
        Set<String> available = new HashSet<>(Arrays.asList(schema.fieldNames()));
        for (String c : columns) {
            if (!available.contains(c)) {
                missing.add(c);
                continue;
            }
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof NumericType)) {
                wrongType.add(c + " (" + t.simpleString() + ")");
            }
        }
        if (missing.isEmpty() && wrongType.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder("Feature columns do not match the input (" + what + "):");
        if (!missing.isEmpty()) {
            msg.append(" missing column").append(missing.size() > 1 ? "s " : " ").append(String.join(", ", missing))
                    .append(';');
        }
        if (!wrongType.isEmpty()) {
            msg.append(" not numeric: ").append(String.join(", ", wrongType)).append(';');
        }
        msg.append(" input columns: ").append(Arrays.stream(schema.fields())
                .map(f -> f.name() + ":" + f.dataType().simpleString()).collect(Collectors.joining(", ")));
        throw new LakeadException(msg.toString());
    }
}
