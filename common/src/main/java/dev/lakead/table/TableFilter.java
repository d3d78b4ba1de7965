package dev.lakead.table;

import dev.lakead.config.Settings;

/**
 * A row filter in Spark SQL (e.g. {@code dt >= '2026-11-01'}) and the setting it came from, for error messages.
 * A blank expression selects every row.
 */
public record TableFilter(String expression, String setting) {

    public TableFilter {
        expression = expression == null ? "" : expression;
    }

    public static TableFilter all() {
        return new TableFilter("", "");
    }

    /** The filter in setting {@code key}. */
    public static TableFilter of(Settings s, String key) {
        return new TableFilter(s.string(key), key);
    }

    public boolean isAll() {
        return expression.isBlank();
    }
}
