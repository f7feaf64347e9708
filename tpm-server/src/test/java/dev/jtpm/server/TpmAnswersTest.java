package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.InProcessTransport;
import dev.jtpm.tss.MssimTransport;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real TPM answers (needs the engine's Startup and GetRandom) over every transport. */
class TpmAnswersTest {
    static final byte[] GET_RANDOM_8 = HexFormat.of().parseHex("80010000000c0000017b0008");

    enum Kind { IN_PROCESS, SWTPM_SOCKET, MSSIM }

    static Stream<Kind> kinds() { return Stream.of(Kind.values()); }

    @ParameterizedTest
    @MethodSource("kinds")
    void getRandom_afterAutomaticStartup_returnsEightBytes(Kind kind) throws Exception {
        SwtpmFlags flags = new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false);
        ChannelSpec data = kind == Kind.MSSIM ? new ChannelSpec.Mssim("127.0.0.1", 0) : new ChannelSpec.Tcp("127.0.0.1", 0, false);
        ChannelSpec ctrl = kind == Kind.MSSIM ? null : new ChannelSpec.Tcp("127.0.0.1", 0, false);
        try (TpmInstance tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(data, ctrl, flags, false, false, false, ServerLog.NONE));
             TpmDevice dev = open(kind, tpm)) {
            byte[] rsp = dev.execute(GET_RANDOM_8, 0);
            assertThat(TpmHeader.responseCode(rsp)).as("rc").isZero();
            assertThat(rsp).hasSize(10 + 2 + 8);
            assertThat(BigEndian.u16(rsp, 10)).isEqualTo(8);
            byte[] again = dev.execute(GET_RANDOM_8, 0);
            assertThat(again).isNotEqualTo(rsp);
        }
    }

    static TpmDevice open(Kind kind, TpmInstance tpm) throws IOException {
        return switch (kind) {
            case IN_PROCESS -> new InProcessTransport(tpm.tpm());
            case SWTPM_SOCKET -> new SwtpmSocketTransport(new dev.jtpm.tss.Endpoint.Tcp("127.0.0.1", tpm.dataPort()),
                    new dev.jtpm.tss.Endpoint.Tcp("127.0.0.1", tpm.ctrlPort()));
            case MSSIM -> {
                MssimTransport m = MssimTransport.connect("127.0.0.1", tpm.dataPort());
                m.powerOn();
                m.nvOn();
                yield m;
            }
        };
    }
}
