package dev.jtpm.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.StateStoreRequest;
import dev.jtpm.server.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sslmode=verify-full} reaches pgjdbc: the right CA connects over TLS (seen by the server), another CA is refused. */
@Timeout(300)
class TlsTest {
    @Test
    void verifyFull_acceptsTheServersCa_andRefusesAnother() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            Path ca = pg.enableTls();
            Path otherCa = Files.createTempFile("jtpm-other-ca-", ".crt");
            try {
                String base = "postgresql://" + PostgresServer.USER + "@localhost:" + pg.port() + "/jtpm?passfile=" + pg.passfile();
                Files.writeString(pg.passfile(), "localhost:" + pg.port() + ":*:" + PostgresServer.USER + ":" + pg.password() + "\n");
                try (StateStore s = StateStores.open(new StateStoreRequest(base + "&sslmode=verify-full&sslrootcert=" + ca,
                        "tls1", Optional.empty(), ServerLog.NONE))) {
                    s.store(StateKind.PERMANENT, "over tls".getBytes());
                }
                // the pooled connection of the store is the server's TLS connection from application "jtpm"
                assertThat(pg.psql("jtpm", "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
                        + " WHERE s.ssl AND a.application_name = 'jtpm'")).isNotEqualTo("0");
                assertThat(pg.psql("jtpm", "SELECT generation FROM jtpm_instance WHERE name = 'tls1'")).isEqualTo("1");
                // a certificate from another CA: refused (a fresh pool: the one above is connected already)
                new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "1", "-subj", "/CN=other", "-keyout", "/dev/null", "-out", otherCa.toString())
                        .redirectErrorStream(true).start().waitFor();
                assertThatThrownBy(() -> StateStores.open(new StateStoreRequest(base + "&sslmode=verify-full&sslrootcert="
                        + otherCa, "tls2", Optional.empty(), ServerLog.NONE)))
                        .hasMessageContaining("cannot connect to postgresql://jtpm@localhost:" + pg.port() + "/jtpm");
            } finally {
                Files.deleteIfExists(ca);
                Files.deleteIfExists(otherCa);
            }
        }
    }
}
