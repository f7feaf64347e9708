package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's tpm2-tools through tcti-swtpm and tcti-mssim against jtpm's data, control and platform ports. */
class Tpm2ToolsInteropTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"swtpm", "mssim"})
    void tpm2Startup_thenGetRandom(String tcti) throws Exception {
        ExternalTool startup = ExternalTool.require("tpm2_startup");
        boolean mssim = tcti.equals("mssim");
        int port = mssim ? 0 : freePortPair(); // tcti-swtpm insists on the control channel at port + 1
        ChannelSpec data = mssim ? new ChannelSpec.Mssim("127.0.0.1", 0) : new ChannelSpec.Tcp("127.0.0.1", port, false);
        ChannelSpec ctrl = mssim ? null : new ChannelSpec.Tcp("127.0.0.1", port + 1, false);
        SwtpmFlags flags = new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false);
        try (TpmInstance tpm = TpmInstance.start(DirectoryStateStore.open(dir, 0640),
                new InstanceConfig(data, ctrl, flags, false, false, false, ServerLog.NONE))) {
            String t = tcti + ":host=127.0.0.1,port=" + tpm.dataPort();
            assertThat(tpm.tpm().isStarted()).isFalse();
            ExternalTool.Result r = startup.run("-c", "-T", t);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(tpm.tpm().isStarted()).isTrue();
            getRandomIfSupported(tpm, t);
        }
    }

    static void getRandomIfSupported(TpmInstance tpm, String tcti) throws Exception {
        // tpm2_getrandom asks TPM2_GetCapability(TPM_PROPERTIES, TPM_PT_MAX_DIGEST...) first
        byte[] getCap = HexFormat.of().parseHex("8001000000160000017a00000006000001000000002e");
        if (TpmHeader.responseCode(tpm.controller().execute(getCap, -1)) == 0x143) {
            System.err.println("NOTICE: the engine does not implement TPM2_GetCapability yet: tpm2_getrandom skipped");
            Assumptions.abort("the engine does not implement TPM2_GetCapability yet");
        }
        ExternalTool.Result r = ExternalTool.require("tpm2_getrandom").run("-T", tcti, "8", "--hex");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().trim()).matches("[0-9a-f]{16}");
    }

    static int freePortPair() throws IOException {
        // below Linux's ephemeral range (32768-60999): a client polling a port in it can connect to itself
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int p = 20000 + 2 * random.nextInt(6300);
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                return p;
            } catch (IOException retry) {
                // neighbour taken
            }
        }
        throw new IOException("no free port pair");
    }
}
