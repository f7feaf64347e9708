package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URI and the password file, the libpq way (no database needed). */
class PgTargetTest {
    @TempDir
    Path tmp;

    @Test
    void whatTheUriLeavesOut_comesFromThePgVariables() throws Exception {
        PgTarget t = PgTarget.parse("postgresql:///?sslmode=verify-full&lease=2.5&pool=2&allow-rollback=vm1",
                Map.of("PGHOST", "db.example", "PGPORT", "6543", "PGUSER", "tpm", "PGDATABASE", "fleet", "HOME", "/home/x"));
        assertThat(t.host()).isEqualTo("db.example");
        assertThat(t.port()).isEqualTo(6543);
        assertThat(t.user()).isEqualTo("tpm");
        assertThat(t.database()).isEqualTo("fleet");
        assertThat(t.params()).containsEntry("sslmode", "verify-full");
        assertThat(t.lease()).isEqualTo(Duration.ofMillis(2500));
        assertThat(t.pool()).isEqualTo(2);
        assertThat(t.allowRollback()).isEqualTo("vm1");
        assertThat(t.passfile()).isEqualTo(Path.of("/home/x/.pgpass"));
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/fleet");
        assertThat(t.describe()).isEqualTo("postgresql://tpm@db.example:6543/fleet");
    }

    @Test
    void theUriWins_ipv6AndEscapesAreRead_andPgSslModeIsTheDefault() throws Exception {
        PgTarget t = PgTarget.parse("postgres://ops%40corp@[::1]:5433/my%20db?connect_timeout=5",
                Map.of("PGHOST", "ignored", "PGSSLMODE", "require", "PGPASSFILE", "/etc/jtpm/pgpass"));
        assertThat(t.host()).isEqualTo("::1");
        assertThat(t.port()).isEqualTo(5433);
        assertThat(t.user()).isEqualTo("ops@corp");
        assertThat(t.database()).isEqualTo("my db");
        assertThat(t.params()).containsEntry("sslmode", "require").containsEntry("connectTimeout", "5");
        assertThat(t.passfile()).isEqualTo(Path.of("/etc/jtpm/pgpass"));
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/my+db");
    }

    @Test
    void badUris_areOneLineErrors_withoutTheSecret() {
        Map<String, String> env = Map.of();
        assertThatThrownBy(() -> PgTarget.parse("postgresql://u:s3cret@h/db", env)).hasMessageContaining("password in the URI")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://h/db?sslpassword=s3cret", env)).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://h:99999/db", env)).hasMessage("postgresql URI: bad port '99999'");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://h/db?sslmod=require", env))
                .hasMessage("postgresql URI: unknown parameter 'sslmod'");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://h/db?lease=0", env)).hasMessageContaining("bad lease");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://%2Frun%2Fpostgresql/db", env)).hasMessageContaining("Unix socket");
        assertThatThrownBy(() -> PgTarget.parse("postgresql://h/db?pool=1&pool=2", env)).hasMessageContaining("given twice");
    }

    @Test
    void passwordFile_firstMatchingLineWins_withWildcardsAndEscapes() throws Exception {
        Path f = tmp.resolve("pgpass");
        Files.writeString(f, """
                # comment
                other:5432:*:jtpm:wrong
                db.example:5432:fleet:jtpm:pa\\:ss\\\\word
                *:*:*:*:fallback
                """);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThat(PgPassFile.lookup(f, "db.example", 5432, "fleet", "jtpm")).isEqualTo("pa:ss\\word");
        assertThat(PgPassFile.lookup(f, "db.example", 5433, "fleet", "jtpm")).isEqualTo("fallback");
        assertThat(PgPassFile.lookup(tmp.resolve("none"), "h", 1, "d", "u")).isNull();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> PgPassFile.lookup(f, "db.example", 5432, "fleet", "jtpm")).hasMessageContaining("chmod 0600");
    }
}
