package dev.jtpm.fleet;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables jtpm keeps in its database, created and migrated by jtpm: {@code jtpm_schema} holds the version, and each
 * migration runs once, in order, in one transaction under an advisory lock, so hosts starting together do not race.
 * A database whose version is newer than this jtpm knows is refused (an older jtpm must not write a newer layout).
 *
 * <ul>
 * <li>{@code jtpm_instance}: one row per TPM: its newest committed {@code generation}, the lease ({@code owner},
 *     {@code epoch} counting the claims, {@code lease_until} on the database's clock).</li>
 * <li>{@code jtpm_state}: the blobs ({@code kind} = PTM_BLOB_TYPE: 1 permanent, 2 volatile, 3 savestate), each with
 *     the generation that wrote it; the bytes are swtpm's file container, encrypted when the TPM has a state key.</li>
 * <li>{@code jtpm_log}: one row per generation: which blob it wrote, its SHA-256 (null for a removal), who wrote it.
 *     A blob row that differs from the newest log entry of its kind was restored or altered behind jtpm's back.</li>
 * </ul>
 */
final class PgSchema {
    private PgSchema() {}

    /** The version this code writes. */
    static final int VERSION = 1;

    private static final long LOCK = 0x6a74706d_66_6c_74L; // "jtpm" "flt"

    private static final List<String> V1 = List.of(
            """
            CREATE TABLE jtpm_instance (
              name text PRIMARY KEY,
              generation bigint NOT NULL DEFAULT 0,
              owner text,
              epoch bigint NOT NULL DEFAULT 0,
              lease_until timestamptz,
              created timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE jtpm_state (
              name text NOT NULL REFERENCES jtpm_instance ON DELETE CASCADE,
              kind smallint NOT NULL,
              generation bigint NOT NULL,
              blob bytea NOT NULL,
              PRIMARY KEY (name, kind))""",
            """
            CREATE TABLE jtpm_log (
              name text NOT NULL REFERENCES jtpm_instance ON DELETE CASCADE,
              generation bigint NOT NULL,
              kind smallint NOT NULL,
              digest bytea,
              owner text NOT NULL,
              epoch bigint NOT NULL,
              at timestamptz NOT NULL DEFAULT clock_timestamp(),
              PRIMARY KEY (name, generation))""",
            "CREATE INDEX jtpm_log_kind ON jtpm_log (name, kind, generation DESC)");

    private static final List<List<String>> MIGRATIONS = List.of(V1);

    /** Brings the database to {@link #VERSION}; the connection is in a transaction the caller commits. */
    static void migrate(Connection c) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS jtpm_schema (version integer NOT NULL, applied timestamptz NOT NULL"
                    + " DEFAULT now())");
            int current;
            try (ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM jtpm_schema")) {
                r.next();
                current = r.getInt(1);
            }
            if (current > VERSION) {
                throw new IOException("database schema version " + current + " is newer than this jtpm knows (" + VERSION
                        + "); use a newer jtpm");
            }
            for (int v = current + 1; v <= VERSION; v++) {
                for (String sql : MIGRATIONS.get(v - 1)) s.execute(sql);
                s.execute("INSERT INTO jtpm_schema (version) VALUES (" + v + ")");
            }
        }
    }
}
