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
        assertThat(text).contains(" Ctrl Cmd: length 4\n 00 00 00 01 \n").contains(" Ctrl Rsp: length 8\n 00 00 00 00 00 01 EF FF \n")
                .contains(" SWTPM_IO_Read: length 10\n 80 01 00 00 00 0A 00 00 01 81 \n")
                .contains(" SWTPM_IO_Write: length 10\n 80 01 00 00 00 0A 00 00 01 01 \n");
    }

    @Test
    void dump_wrapsAtSixteenBytesLikeSwtpm() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(sink, true, StandardCharsets.UTF_8), 20);
        byte[] b = new byte[17];
        b[16] = (byte) 0xab;
        log.dump(" SWTPM_IO_Write:", b, b.length);
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo(" SWTPM_IO_Write: length 17\n" + " " + "00 ".repeat(16) + "\n AB \n");
    }

    @Test
    void belowLevel20_noDumps() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(sink, true, StandardCharsets.UTF_8), 5);
        log.dump(" Ctrl Cmd:", new byte[] {1}, 1);
        assertThat(sink.size()).isZero();
    }
}
