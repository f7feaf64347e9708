package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's swtpm_ioctl (a client nobody here wrote) against our control channel, TCP and Unix. */
class SwtpmIoctlInteropTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unixio"})
    void swtpmIoctl_fullSession(String type) throws Exception {
        ExternalTool ioctl = ExternalTool.require("swtpm_ioctl");
        Path sock = dir.resolve("ctrl.sock");
        ChannelSpec ctrl = type.equals("tcp") ? new ChannelSpec.Tcp("127.0.0.1", 0, false) : new ChannelSpec.UnixIo(sock, -1);
        try (TpmInstance tpm = TpmInstance.start(DirectoryStateStore.open(dir.resolve("state"), 0640),
                new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", 0, false), ctrl, SwtpmFlags.DEFAULT, false, false, false,
                        ServerLog.NONE))) {
            List<String> where = type.equals("tcp") ? List.of("--tcp", "127.0.0.1:" + tpm.ctrlPort())
                    : List.of("--unix", sock.toString());
            java.util.function.Function<String[], ExternalTool.Result> run = a -> {
                try {
                    String[] all = new String[where.size() + a.length];
                    where.toArray(all);
                    System.arraycopy(a, 0, all, where.size(), a.length);
                    return ioctl.run(all);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            // swtpm 0.7.1's 0xffff plus LOCK_STORAGE (0.8) where SET_DATAFD works (Unix socket), without 0x1000 over TCP
            assertThat(run.apply(new String[] {"-c"}).out())
                    .isEqualTo(type.equals("tcp") ? "ptm capability is 0x1efff\n" : "ptm capability is 0x1ffff\n");
            ExternalTool.Result notRunning = run.apply(new String[] {"-e"});
            assertThat(notRunning.exitCode()).isEqualTo(1);
            assertThat(notRunning.err()).contains("TPM result from PTM_GET_TPMESTABLISHED: 0xa");
            assertThat(run.apply(new String[] {"-i"}).exitCode()).isZero();
            assertThat(tpm.controller().isRunning()).isTrue();
            assertThat(run.apply(new String[] {"-e"}).out()).isEqualTo("tpmEstablished is 0\n");
            assertThat(run.apply(new String[] {"-l", "3"}).exitCode()).isZero();
            assertThat(tpm.controller().locality()).isEqualTo(3);
            assertThat(run.apply(new String[] {"--info", "1"}).out())
                    .isEqualTo("{\"TPMSpecification\":{\"family\":\"2.0\",\"level\":0,\"revision\":164}}\n");
            assertThat(run.apply(new String[] {"-b", "0"}).out())
                    .isEqualTo("TPM buffersize: 4096\nminimum size  : 2808\nmaximum size  : 4096\n");
            assertThat(run.apply(new String[] {"-h", "data"}).exitCode()).isZero();
            assertThat(run.apply(new String[] {"-e"}).out()).as("H-CRTM sets the established bit").isEqualTo("tpmEstablished is 1\n");
            assertThat(run.apply(new String[] {"-r", "3"}).exitCode()).isZero();
            assertThat(run.apply(new String[] {"-e"}).out()).isEqualTo("tpmEstablished is 0\n");
            assertThat(run.apply(new String[] {"-v"}).exitCode()).isZero();
            assertThat(run.apply(new String[] {"-g"}).out()).isEqualTo("ptm configuration flags: 0x0\n");
            assertThat(run.apply(new String[] {"--stop"}).exitCode()).isZero();
            assertThat(tpm.controller().isRunning()).isFalse();
            assertThat(run.apply(new String[] {"-e"}).exitCode()).isEqualTo(1);
            assertThat(run.apply(new String[] {"-s"}).exitCode()).isZero();
            assertThat(tpm.awaitExitRequest(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(sock).doesNotExist();
    }
}
