package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.tss.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type=tls} on {@code --server}/{@code --ctrl}, and the TLS form of the swtpm backend: parsing only. */
class TlsOptionsTest {
    private static final TlsFiles FILES = new TlsFiles(Path.of("/c/s.pem"), Path.of("/c/s.key"), Path.of("/c/ca.pem"));

    @Test
    void serverAndCtrl_typeTls() throws OptionException {
        SocketOptions o = SocketOptions.parse(List.of("--tpm2",
                "--server", "type=tls,port=2321,bindaddr=0.0.0.0,cert=/c/s.pem,key=/c/s.key,ca=/c/ca.pem",
                "--ctrl", "type=tls,port=2322,cert=/c/s.pem,key=/c/s.key,ca=/c/ca.pem,terminate", "--tpmstate", "dir=/s"), Map.of());
        assertThat(o.data()).isEqualTo(new ChannelSpec.Tls("0.0.0.0", 2321, FILES));
        assertThat(o.ctrl()).isEqualTo(new ChannelSpec.Tls("127.0.0.1", 2322, FILES));
        assertThat(o.ctrlTerminate()).isTrue();
    }

    @Test
    void incompleteOrMixedTlsSpecs_areOneLineErrors() {
        for (String server : new String[] {"type=tls,port=1,key=k,ca=c", "type=tls,port=1,cert=c,ca=c", "type=tls,port=1,cert=c,key=k",
                "type=tls,cert=c,key=k,ca=c", "type=tls,port=1,cert=c,key=k,ca=c,disconnect", "type=tcp,port=1,cert=c",
                "type=tls,port=1,cert=,key=k,ca=c"}) {
            assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--server", server, "--tpmstate", "dir=/s"), Map.of()))
                    .as(server).isInstanceOf(OptionException.class).hasMessageStartingWith("--server")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--ctrl", "type=tls,port=1,cert=c,key=k", "--tpmstate", "dir=/s"),
                Map.of())).hasMessage("--ctrl: missing ca=");
    }

    @Test
    void backend_swtpmOverTls() throws OptionException {
        assertThat(BackendSpec.parse("--backend", "swtpm:host=tpm.example,port=2321,cert=/c/s.pem,key=/c/s.key,ca=/c/ca.pem"))
                .isEqualTo(new BackendSpec.SwtpmTls("tpm.example", 2321, 2322, FILES, true));
        assertThat(BackendSpec.parse("--backend", "swtpm:host=10.0.0.1,port=2321,ctrl=4000,cert=/c/s.pem,key=/c/s.key,ca=/c/ca.pem,no-hostname-check"))
                .isEqualTo(new BackendSpec.SwtpmTls("10.0.0.1", 2321, 4000, FILES, false));
        for (String bad : new String[] {"swtpm:port=1,cert=/a,key=/b", "swtpm:path=/a,ctrl-path=/b,cert=/a,key=/b,ca=/c",
                "swtpm:port=1,no-hostname-check", "swtpm:port=1,cert=/a,key=/b,ca="}) {
            assertThatThrownBy(() -> BackendSpec.parse("--backend", bad)).as(bad).isInstanceOf(OptionException.class)
                    .hasMessageStartingWith("--backend").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void missingCertificateFile_isAOneLineErrorWhenBinding() {
        assertThatThrownBy(() -> Acceptors.bind(new ChannelSpec.Tls("127.0.0.1", 0,
                new TlsFiles(Path.of("/nonexistent/s.pem"), Path.of("/nonexistent/s.key"), Path.of("/nonexistent/ca.pem")))))
                .hasMessage("/nonexistent/s.pem: no such file");
    }
}
