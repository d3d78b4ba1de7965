package dev.lakead.io;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;

import java.util.Locale;

/**
 * The catalog.* settings, read here only: the session's catalog, where the local one lives, and the Iceberg and
 * Delta catalogs added to the session ({@link SparkSessions}, {@link LakehouseCatalogs}). What a value must be
 * often depends on the catalog chosen, so those checks are methods, made where the choice is known.
 *
 * @param type                catalog.type: auto, hive-derby, hive or in-memory
 * @param dir                 catalog.dir (the local metastore, the in-memory catalog's warehouse)
 * @param icebergName         catalog.iceberg.name, stripped ("" = no Iceberg catalog)
 * @param icebergType         catalog.iceberg.type, stripped and lower-case (auto resolved by {@link #icebergType})
 * @param deltaSessionCatalog catalog.delta.session-catalog
 */
public record CatalogConfig(String type, String dir, int port, String icebergName, String icebergType,
                            String icebergUri, String icebergWarehouse, boolean deltaSessionCatalog) {

    public static CatalogConfig from(Settings s) {
        return new CatalogConfig(s.choice("catalog.type", "auto", "hive-derby", "hive", "in-memory"),
                s.string("catalog.dir"), s.integer("catalog.port"), s.string("catalog.iceberg.name").strip(),
                s.string("catalog.iceberg.type").strip().toLowerCase(Locale.ROOT), s.string("catalog.iceberg.uri"),
                s.string("catalog.iceberg.warehouse").strip(), s.bool("catalog.delta.session-catalog"));
    }

    /** {@code settings} with catalog.dir set to {@code dir} (the demo keeps its catalog in its work folder). */
    public static Settings withDir(Settings settings, String dir) {
        return settings.with("catalog.dir", dir);
    }

    /** catalog.dir, which a catalog on this machine's disk needs. */
    public String requiredDir() {
        if (dir.isBlank()) {
            throw new LakeadException("Setting 'catalog.dir' is required but empty");
        }
        return dir;
    }

    /** catalog.port, the loopback port of the shared local metastore. */
    public int localPort() {
        if (port < 1 || port > 65535) {
            throw new LakeadException("Setting 'catalog.port' must be a TCP port (1-65535), got " + port);
        }
        return port;
    }

    /** catalog.iceberg.type with auto resolved: hadoop for a local master, the Hive metastore (hive) otherwise. */
    public String icebergType(boolean local) {
        if (icebergType.isEmpty()) {
            throw new LakeadException("Setting 'catalog.iceberg.type' is empty: use auto, hadoop, hive, rest, glue,"
                    + " nessie, jdbc or none");
        }
        return "auto".equals(icebergType) ? (local ? "hadoop" : "hive") : icebergType;
    }
}
