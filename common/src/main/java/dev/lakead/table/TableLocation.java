package dev.lakead.table;

/**
 * Where a table lives: its directory (any Hadoop URI) and optionally the catalog name it is registered under, with
 * the settings that named them, so that every error can say which setting to fix.
 *
 * @param path        the table's directory
 * @param name        catalog table name; "" = not registered
 * @param pathSetting the setting that gave the path (e.g. {@code monitor.scores-path})
 * @param nameSetting the setting that gave the name (e.g. {@code score.table-name})
 */
public record TableLocation(String path, String name, String pathSetting, String nameSetting) {

    public TableLocation {
        name = name == null ? "" : name;
    }

    /** A directory that is not registered in the catalog. */
    public static TableLocation at(String path, String pathSetting) {
        return new TableLocation(path, "", pathSetting, "");
    }

    public boolean named() {
        return !name.isBlank();
    }

    /** The same directory without its catalog name. */
    public TableLocation unnamed() {
        return new TableLocation(path, "", pathSetting, "");
    }
}
