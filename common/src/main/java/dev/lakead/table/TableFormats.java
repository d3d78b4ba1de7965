package dev.lakead.table;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The table formats by name (setting {@code score.table-format}); a new format is one line here. */
public final class TableFormats {
    public static final String SETTING = "score.table-format";
    private static final Map<String, Supplier<TableFormat>> FORMATS = new LinkedHashMap<>();

    static {
        FORMATS.put(ParquetTableFormat.NAME, ParquetTableFormat::new);
        FORMATS.put(IcebergTableFormat.NAME, IcebergTableFormat::new);
        FORMATS.put(DeltaTableFormat.NAME, DeltaTableFormat::new);
    }

    private TableFormats() {
    }

    /** The format named by {@code score.table-format}. */
    public static TableFormat from(Settings s) {
        return named(s.string(SETTING));
    }

    public static TableFormat named(String name) {
        Supplier<TableFormat> f = FORMATS.get(name.trim().toLowerCase());
        if (f == null) {
            throw new LakeadException("Setting '" + SETTING + "' must be one of " + String.join(", ", FORMATS.keySet())
                    + ", got '" + name + "'");
        }
        return f.get();
    }
}
