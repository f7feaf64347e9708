package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --log level=20} dumps control and data traffic the way swtpm labels it. */
class ServerLogTest {
    @Test
    void level20_dumpsControlAndDataTraffic() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(sink, true, StandardCharsets.UTF_8), 20);
        InstanceConfig cfg = new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", 0, false), new ChannelSpec.Tcp("127.0.0.1", 0, false),
                SwtpmFlags.DEFAULT, false, false, false, log);
        try (TpmInstance tpm = TpmInstance.start(StateStore.inMemory(), cfg)) {
            Raw.roundTrip(tpm.ctrlPort(), "00000001", 8);
            Raw.roundTrip(tpm.dataPort(), "80010000000a00000181", 10);
        }
        String text = sink.toString(StandardCharsets.UTF_8);
        assertThat(text).contains(" Ctrl Cmd: length 4\n 00 00 00 01").contains(" Ctrl Rsp: length 8\n 00 00 00 00 00 00 ef ff")
                .contains(" SWTPM_IO_Read: length 10\n 80 01 00 00 00 0a 00 00 01 81")
                .contains(" SWTPM_IO_Write: length 10\n 80 01 00 00 00 0a 00 00 01 01");
    }

    @Test
    void belowLevel20_noDumps() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(sink, true, StandardCharsets.UTF_8), 5);
        log.dump(" Ctrl Cmd:", new byte[] {1}, 1);
        assertThat(sink.size()).isZero();
    }
}
