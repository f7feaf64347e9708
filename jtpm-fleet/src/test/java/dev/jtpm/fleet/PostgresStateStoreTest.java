package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateLockedException;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.StateStoreRequest;
import dev.jtpm.server.StateStores;
import dev.jtpm.wire.StateKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The PostgreSQL store against a real server: generations, leases, fencing, rollback detection, ciphertext rows. */
@Timeout(300)
class PostgresStateStoreTest {
    static PostgresServer pg;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    static final ServerLog SERVER_LOG = new ServerLog(new PrintStream(LOG, true, StandardCharsets.UTF_8), 1);

    @BeforeAll
    static void start() throws Exception { pg = PostgresServer.start(); }

    @AfterAll
    static void stop() throws Exception { if (pg != null) pg.close(); }

    /** A store through tpm-server's lookup; {@code host} picks a separate pool (and so a separate lease owner). */
    static StateStore open(String name, String host, String extra) throws Exception {
        return open(name, host, extra, Optional.empty());
    }

    static StateStore open(String name, String host, String extra, Optional<StateKey> key) throws Exception {
        String uri = pg.uri("jtpm", "application_name=" + host + (extra.isEmpty() ? "" : "&" + extra));
        return StateStores.open(new StateStoreRequest(uri, name, key, SERVER_LOG));
    }

    static long sql(String q) throws Exception { return Long.parseLong(pg.psql("jtpm", q)); }

    @Test
    void storeAndReload_generationAdvancesByOnePerWrite_andTheLogHasEveryGeneration() throws Exception {
        try (StateStore s = open("gen", "h1", "")) {
            assertThat(s.load(StateKind.PERMANENT)).isNull();
            for (int i = 0; i < 5; i++) s.store(StateKind.PERMANENT, ("perm" + i).getBytes());
            s.store(StateKind.VOLATILE, "vol".getBytes());
            s.delete(StateKind.VOLATILE);
            s.delete(StateKind.VOLATILE); // nothing to remove: no generation
        }
        assertThat(sql("SELECT generation FROM jtpm_instance WHERE name='gen'")).isEqualTo(7);
        assertThat(pg.psql("jtpm", "SELECT string_agg(generation::text, ',' ORDER BY generation) FROM jtpm_log WHERE name='gen'"))
                .isEqualTo("1,2,3,4,5,6,7");
        assertThat(sql("SELECT count(*) FROM jtpm_instance WHERE name='gen' AND owner IS NULL")).isEqualTo(1); // released
        try (StateStore s = open("gen", "h2", "")) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo("perm4".getBytes());
            assertThat(s.load(StateKind.VOLATILE)).isNull();
        }
        assertThat(sql("SELECT max(version) FROM jtpm_schema")).isEqualTo(PgSchema.VERSION);
    }

    @Test
    void logIsPruned_keepingTheLastGenerationsAndTheNewestOfEachKind_andTheRollbackCheckStillWorks() throws Exception {
        try (StateStore s = open("pruned", "h1", "log-keep=4")) {
            s.store(StateKind.VOLATILE, "vol".getBytes());                           // generation 1
            for (int i = 0; i < 10; i++) s.store(StateKind.PERMANENT, ("p" + i).getBytes()); // 2..11
        }
        // pruned at 4 and 8: generations <= 4 go, except 1 (the newest volatile entry)
        assertThat(pg.psql("jtpm", "SELECT string_agg(generation::text, ',' ORDER BY generation) FROM jtpm_log WHERE name='pruned'"))
                .isEqualTo("1,5,6,7,8,9,10,11");
        try (StateStore s = open("pruned", "h2", "log-keep=4")) {
            assertThat(s.load(StateKind.VOLATILE)).isEqualTo("vol".getBytes());
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo("p9".getBytes());
        }
        pg.psql("jtpm", "UPDATE jtpm_state SET generation = 10 WHERE name='pruned' AND kind = 1");
        assertThatThrownBy(() -> open("pruned", "h2", "log-keep=4")).isInstanceOf(PostgresStateStore.RollbackException.class);
    }

    @Test
    void secondOpenWhileTheLeaseIsLive_isRefusedNamingTheOwner() throws Exception {
        try (StateStore a = open("busy", "h1", "")) {
            a.store(StateKind.PERMANENT, "x".getBytes());
            assertThatThrownBy(() -> open("busy", "h2", ""))
                    .isInstanceOf(StateLockedException.class)
                    .hasMessageContaining("instance busy is in use")
                    .hasMessageContaining("holds its lease until");
            assertThatThrownBy(() -> open("busy", "h1", "")).isInstanceOf(StateLockedException.class); // same process too
        }
        open("busy", "h2", "").close(); // released at close: free at once
    }

    @Test
    void leaseIsRenewedWhileOpen() throws Exception {
        try (StateStore a = open("renewed", "h1", "lease=1")) {
            Thread.sleep(3500); // > 3 leases
            a.store(StateKind.PERMANENT, "still mine".getBytes());
            assertThatThrownBy(() -> open("renewed", "h2", "lease=1")).isInstanceOf(StateLockedException.class);
        }
    }

    @Test
    void expiredLease_isTakenOver_andTheOldOwnersWriteIsFenced() throws Exception {
        StateStore a = open("fence", "h1", "");
        a.store(StateKind.PERMANENT, "a1".getBytes());
        // A is cut off: its lease runs out on the database's clock
        pg.psql("jtpm", "UPDATE jtpm_instance SET lease_until = clock_timestamp() - interval '1 second' WHERE name='fence'");
        try (StateStore b = open("fence", "h2", "")) {
            assertThat(b.load(StateKind.PERMANENT)).isEqualTo("a1".getBytes());
            b.store(StateKind.PERMANENT, "b1".getBytes());
            assertThatThrownBy(() -> a.store(StateKind.PERMANENT, "a2".getBytes()))
                    .isInstanceOf(PostgresStateStore.FencedException.class)
                    .hasMessageContaining("taken over by");
            assertThatThrownBy(() -> a.store(StateKind.PERMANENT, "a3".getBytes())).hasMessageContaining("fenced");
            a.close(); // must not release B's lease
            b.store(StateKind.PERMANENT, "b2".getBytes());
        }
        assertThat(LOG.toString(StandardCharsets.UTF_8)).contains("taking over instance fence");
        assertThat(pg.psql("jtpm", "SELECT string_agg(generation::text, ',' ORDER BY generation) FROM jtpm_log WHERE name='fence'"))
                .isEqualTo("1,2,3");
    }

    @Test
    void expiredLeaseWithoutTakeOver_refusesTheWriteToo() throws Exception {
        try (StateStore a = open("expired", "h1", "")) {
            a.store(StateKind.PERMANENT, "a1".getBytes());
            pg.psql("jtpm", "UPDATE jtpm_instance SET lease_until = clock_timestamp() - interval '1 second' WHERE name='expired'");
            assertThatThrownBy(() -> a.store(StateKind.PERMANENT, "a2".getBytes()))
                    .isInstanceOf(PostgresStateStore.FencedException.class).hasMessageContaining("expired");
        }
        assertThat(sql("SELECT generation FROM jtpm_instance WHERE name='expired'")).isEqualTo(1);
    }

    @Test
    void rowRestoredByHand_refusesToStart_untilAnExplicitLoggedOverride() throws Exception {
        try (StateStore s = open("rb", "h1", "")) {
            s.store(StateKind.PERMANENT, "counter=1".getBytes());
        }
        String old = pg.psql("jtpm", "SELECT encode(blob, 'hex') || ' ' || generation FROM jtpm_state WHERE name='rb'");
        try (StateStore s = open("rb", "h1", "")) {
            s.store(StateKind.PERMANENT, "counter=2".getBytes());
            s.store(StateKind.PERMANENT, "counter=3".getBytes());
        }
        // the operator restores yesterday's row from a backup
        String[] o = old.split(" ");
        pg.psql("jtpm", "UPDATE jtpm_state SET blob = decode('" + o[0] + "', 'hex'), generation = " + o[1] + " WHERE name='rb'");
        assertThatThrownBy(() -> open("rb", "h2", ""))
                .isInstanceOf(PostgresStateStore.RollbackException.class)
                .hasMessageContaining("permall row is from generation 1 but generation 3 is the newest committed")
                .hasMessageContaining("allow-rollback=rb");
        // the whole row set back, the instance generation too
        pg.psql("jtpm", "UPDATE jtpm_instance SET generation = 1 WHERE name='rb'");
        assertThatThrownBy(() -> open("rb", "h2", "")).isInstanceOf(PostgresStateStore.RollbackException.class)
                .hasMessageContaining("instance row is at generation 1 but generation 3 was committed");
        // same generation, other bytes
        pg.psql("jtpm", "UPDATE jtpm_instance SET generation = 3 WHERE name='rb'");
        pg.psql("jtpm", "UPDATE jtpm_state SET generation = 3 WHERE name='rb'");
        assertThatThrownBy(() -> open("rb", "h2", "")).isInstanceOf(PostgresStateStore.RollbackException.class)
                .hasMessageContaining("is not the one committed");
        assertThat(sql("SELECT count(*) FROM jtpm_instance WHERE name='rb' AND owner IS NOT NULL")).isZero(); // nothing held
        try (StateStore s = open("rb", "h2", "allow-rollback=rb")) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo("counter=1".getBytes());
            s.store(StateKind.PERMANENT, "counter=2 again".getBytes());
        }
        assertThat(LOG.toString(StandardCharsets.UTF_8)).contains("WARNING: instance rb:").contains("allow-rollback=rb");
        // no generation reused: the override and the next write continue after 3
        assertThat(pg.psql("jtpm", "SELECT string_agg(generation::text, ',' ORDER BY generation) FROM jtpm_log WHERE name='rb'"))
                .isEqualTo("1,2,3,4,5");
        open("rb", "h3", "").close(); // consistent again without the override
    }

    @Test
    void wholeDatabaseRestored_isCaughtByTheHostsWitness_untilTheOverride() throws Exception {
        java.nio.file.Path witness = java.nio.file.Files.createTempDirectory("jtpm-witness-");
        String w = "witness=" + witness;
        try {
            try (StateStore s = open("wit", "hw", w)) {
                s.store(StateKind.PERMANENT, "counter=1".getBytes());
            }
            // the operator's backup: every table of this instance
            pg.psql("jtpm", "CREATE TABLE b_inst AS SELECT * FROM jtpm_instance WHERE name='wit';"
                    + " CREATE TABLE b_state AS SELECT * FROM jtpm_state WHERE name='wit';"
                    + " CREATE TABLE b_log AS SELECT * FROM jtpm_log WHERE name='wit'");
            try (StateStore s = open("wit", "hw", w)) {
                s.store(StateKind.PERMANENT, "counter=2".getBytes());
                s.store(StateKind.PERMANENT, "counter=3".getBytes());
            }
            assertThat(java.nio.file.Files.readString(witness.resolve("wit.generation")).strip()).isEqualTo("3");
            // the whole database goes back (log included): consistent in itself
            pg.psql("jtpm", "DELETE FROM jtpm_instance WHERE name='wit'; INSERT INTO jtpm_instance SELECT * FROM b_inst;"
                    + " INSERT INTO jtpm_state SELECT * FROM b_state; INSERT INTO jtpm_log SELECT * FROM b_log;"
                    + " DROP TABLE b_inst, b_state, b_log");
            assertThatThrownBy(() -> open("wit", "hw", w)).isInstanceOf(PostgresStateStore.RollbackException.class)
                    .hasMessageContaining("the database is at generation 1 but this host saw generation 3 committed")
                    .hasMessageContaining("allow-rollback=wit");
            try (StateStore s = open("wit", "hw", w + "&allow-rollback=wit")) {
                assertThat(s.load(StateKind.PERMANENT)).isEqualTo("counter=1".getBytes());
                s.store(StateKind.PERMANENT, "counter=2 after restore".getBytes());
            }
            // generations 2 and 3 are not reused: the override continues after what the witness saw
            assertThat(pg.psql("jtpm", "SELECT string_agg(generation::text, ',' ORDER BY generation) FROM jtpm_log WHERE name='wit'"))
                    .isEqualTo("1,4,5");
            open("wit", "hw", w).close();
        } finally {
            try (var files = java.nio.file.Files.list(witness)) {
                files.forEach(f -> f.toFile().delete());
            }
            java.nio.file.Files.delete(witness);
        }
    }

    @Test
    void withAStateKey_rowsHoldCiphertext_andAWrongKeyIsOneClearError() throws Exception {
        StateKey key = StateKey.of(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));
        byte[] secret = "SECRET-SEED-MATERIAL-0123456789".getBytes();
        try (StateStore s = open("enc", "h1", "", Optional.of(key))) {
            s.store(StateKind.PERMANENT, secret);
        }
        String hex = pg.psql("jtpm", "SELECT encode(blob, 'hex') FROM jtpm_state WHERE name='enc'");
        assertThat(hex).doesNotContain(HexFormat.of().formatHex(secret)).doesNotContain(HexFormat.of().formatHex("SECRET".getBytes()));
        try (StateStore s = open("enc", "h1", "", Optional.of(key))) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo(secret);
        }
        StateKey wrong = StateKey.of(HexFormat.of().parseHex("ff0102030405060708090a0b0c0d0e0f"));
        assertThatThrownBy(() -> open("enc", "h1", "", Optional.of(wrong))).isInstanceOf(dev.jtpm.server.StateKeyException.class)
                .hasMessageContaining("instance enc");
        assertThatThrownBy(() -> open("enc", "h1", "")).isInstanceOf(dev.jtpm.server.StateKeyException.class);
        open("enc", "h1", "", Optional.of(key)).close(); // the refusals released the lease
    }

    @Test
    void passwordsInTheUriAreRefused_andBadPasswordsSayNothingSecret() throws Exception {
        assertThatThrownBy(() -> StateStores.open(new StateStoreRequest("postgresql://jtpm:hunter2@127.0.0.1:" + pg.port()
                + "/jtpm", "x", Optional.empty(), SERVER_LOG))).hasMessageContaining("password in the URI is refused")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> StateStores.open(new StateStoreRequest("postgresql://127.0.0.1:" + pg.port()
                + "/jtpm?password=hunter2", "x", Optional.empty(), SERVER_LOG))).hasMessageContaining("password= is refused")
                .hasMessageNotContaining("hunter2");
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("pgpass", "");
        try {
            java.nio.file.Files.writeString(bad, "*:*:*:*:wrong-password\n");
            java.nio.file.Files.setPosixFilePermissions(bad, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> StateStores.open(new StateStoreRequest("postgresql://jtpm@127.0.0.1:" + pg.port()
                    + "/jtpm?passfile=" + bad, "x", Optional.empty(), SERVER_LOG)))
                    .hasMessageContaining("password authentication failed").hasMessageNotContaining("wrong-password");
            java.nio.file.Files.setPosixFilePermissions(bad, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            assertThatThrownBy(() -> StateStores.open(new StateStoreRequest("postgresql://jtpm@127.0.0.1:" + pg.port()
                    + "/jtpm?passfile=" + bad, "x", Optional.empty(), SERVER_LOG))).hasMessageContaining("chmod 0600");
        } finally {
            java.nio.file.Files.delete(bad);
        }
        assertThat(LOG.toString(StandardCharsets.UTF_8)).doesNotContain("hunter2").doesNotContain("wrong-password");
    }

    @Test
    void newerSchemaIsRefused() throws Exception {
        pg.createDatabase("future");
        pg.psql("future", "CREATE TABLE jtpm_schema (version integer NOT NULL, applied timestamptz NOT NULL DEFAULT now());"
                + " INSERT INTO jtpm_schema (version) VALUES (" + (PgSchema.VERSION + 1) + ")");
        assertThatThrownBy(() -> StateStores.open(new StateStoreRequest(pg.uri("future", ""), "x", Optional.empty(), SERVER_LOG)))
                .hasMessageContaining("newer than this jtpm");
    }
}
