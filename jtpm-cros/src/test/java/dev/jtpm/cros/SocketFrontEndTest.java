package dev.jtpm.cros;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.DeviceServer;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.wire.Ptm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtual TPM on swtpm's Unix-socket data and control channels, through tss' swtpm transport. */
class SocketFrontEndTest {
    @TempDir Path dir;

    @Test
    void unixSockets_dataAndControl() throws Exception {
        Virtualizer v = Virtualizer.gLinux(BackendSpec.parse("--backend", "in-process").open(), dir.resolve("s"),
                new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
        CrosVtpmd.ServerSpec spec = CrosVtpmd.parseServer("type=unixio,path=" + dir.resolve("vtpm.sock"));
        try (DeviceServer server = DeviceServer.start(v, spec.data(), spec.ctrl(), ServerLog.NONE);
             SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Unix(dir.resolve("vtpm.sock")),
                     new Endpoint.Unix(dir.resolve("vtpm.sock.ctrl")))) {
            assertThat(t.ctrl().capabilities() & (Ptm.CAP_INIT | Ptm.CAP_SET_LOCALITY)).isEqualTo(Ptm.CAP_INIT | Ptm.CAP_SET_LOCALITY);
            assertThat(t.ctrl().init(0)).isZero();
            assertThat(t.ctrl().setLocality(0)).isZero();
            assertThat(t.ctrl().established()).isFalse();
            assertThat(t.ctrl().cancel()).isZero();
            assertThat(Cmd.hex(t.execute(Cmd.of(0x8001, 0x17A, "00000001 81000000 00000010"), 0)))
                    .endsWith("00000002" + "81000002" + "81010002");
            assertThat(Cmd.hex(t.execute(Cmd.of(0x8001, 0x144, "0000"), 0))).isEqualTo("80010000000a00000143");
            assertThat(Cmd.hex(t.execute(Cmd.of(0x8001, 0x143, "01"), 0))).isEqualTo("80010000000a00000000");
            // the server does not stop or restart the virtual TPM for a client's STOP or SHUTDOWN
            assertThat(t.ctrl().stop()).isZero();
            assertThat(Cmd.hex(t.execute(Cmd.of(0x8001, 0x143, "01"), 0))).isEqualTo("80010000000a00000000");
        } finally {
            v.close();
        }
    }

    @Test
    void serverOption_parsing() throws Exception {
        CrosVtpmd.ServerSpec tcp = CrosVtpmd.parseServer("type=tcp,port=2321");
        assertThat(tcp.data()).isEqualTo(new dev.jtpm.server.ChannelSpec.Tcp("127.0.0.1", 2321, false));
        assertThat(tcp.ctrl()).isEqualTo(new dev.jtpm.server.ChannelSpec.Tcp("127.0.0.1", 2322, false));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrosVtpmd.parseServer("type=tcp,port=x"))
                .hasMessage("--server: bad port 'x'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrosVtpmd.parseServer("type=unixio"))
                .hasMessage("--server: type=unixio needs path=");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrosVtpmd.parseServer("type=tcp,path=/x"))
                .hasMessage("--server: unknown parameter 'path'");
    }
}
