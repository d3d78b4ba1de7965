package dev.lakead.io;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Column references by exact name: `sensor.temp` is a column with a dot in its name, not a struct field. */
public final class ColumnRef {
    private ColumnRef() {
    }

    public static Column col(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }
}
