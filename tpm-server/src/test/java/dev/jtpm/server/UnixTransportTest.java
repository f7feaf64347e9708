package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.wire.TpmHeader;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcti-swtpm's Unix layout: data at {@code path}, control at {@code path.ctrl}. */
class UnixTransportTest {
    @TempDir Path dir;

    @Test
    void swtpmSocketTransport_overUnixSockets_initStartupGetRandom() throws Exception {
        Path data = dir.resolve("tpm.sock");
        try (TpmInstance tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(new ChannelSpec.UnixIo(data, -1),
                new ChannelSpec.UnixIo(Path.of(data + ".ctrl"), -1), SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE));
             SwtpmSocketTransport t = SwtpmSocketTransport.unix(data)) {
            HexFormat hex = HexFormat.of();
            assertThat(hex.formatHex(t.execute(hex.parseHex("80010000000a00000181"), 0))).isEqualTo("80010000000a00000101");
            assertThat(t.ctrl().init(0)).isZero();
            assertThat(TpmHeader.responseCode(t.execute(TpmHeader.startup(TpmHeader.SU_CLEAR), 0))).isZero();
            assertThat(TpmHeader.responseCode(t.execute(hex.parseHex("80010000000c0000017b0008"), 0))).isZero();
            assertThat(t.ctrl().info(1)).contains("\"revision\":164");
            assertThat(t.execute(hex.parseHex("80010000000c0000017b0008"), 3)).hasSize(20);
            assertThat(tpm.controller().locality()).isEqualTo(3);
        }
    }
}
