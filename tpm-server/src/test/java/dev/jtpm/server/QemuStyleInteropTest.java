package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.TpmHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's use of the control channel: the data socket passed with SCM_RIGHTS (CMD_SET_DATAFD, driven
 * by a Python client since Java cannot send descriptors), the version probe before INIT, and the
 * migration sequence STOP, SET_STATEBLOB ×2, INIT(DELETE_VOLATILE) resuming without TPM2_Startup.
 */
class QemuStyleInteropTest {
    @TempDir Path dir;

    @Test
    void setDatafd_overUnixControlSocket_matchesSwtpmsVerifiedTrace() throws Exception {
        ExternalTool python = ExternalTool.require("python3");
        Path script = Path.of(getClass().getResource("/qemu_like_client.py").toURI());
        Path sock = dir.resolve("swtpm-sock");
        try (TpmInstance tpm = TpmInstance.start(DirectoryStateStore.open(dir.resolve("state"), 0640),
                new InstanceConfig(null, new ChannelSpec.UnixIo(sock, 0600), SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE))) {
            ExternalTool.Result r = python.run(script.toString(), sock.toString());
            assertThat(r.err()).isEmpty();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).startsWith(
                    "SET_DATAFD 00000000",
                    "PROBE 80010000000a00000101",
                    "GET_CAP 000000000001ffff",
                    "STOP 00000000",
                    "SETBUF 000000000000100000000af800001000",
                    "INIT 00000000",
                    "GET_EST 0000000000000000",
                    "SET_LOC 00000000",
                    "STARTUP 80010000000a00000000",
                    "GETRANDOM 800100000014000000000008 20",
                    "SET_DATAFD_AGAIN 0000001f",
                    "SET_DATAFD_NOFD 0000001f");
            assertThat(lines.get(12)).startsWith("GET_STATEBLOB 1 00000000 ");
            assertThat(lines.get(13)).startsWith("GET_STATEBLOB 2 00000000 ");
            assertThat(lines.get(14)).isEqualTo("GET_STATEBLOB 3 00000800 0");
            assertThat(lines.get(15)).isEqualTo("SHUTDOWN 00000000");
            assertThat(tpm.awaitExitRequest(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.getPosixFilePermissions(dir.resolve("state/tpm2-00.permall"))).hasSize(3);
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void setDatafd_withoutDescriptorOnUnix_isBadParameter() throws Exception {
        Path sock = dir.resolve("c.sock");
        try (TpmInstance tpm = TpmInstance.start(StateStore.inMemory(),
                new InstanceConfig(null, new ChannelSpec.UnixIo(sock, -1), SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE))) {
            SwtpmControl c = new SwtpmControl(new Endpoint.Unix(sock));
            assertThat(c.send(new dev.jtpm.wire.CtrlRequest.SetDataFd()).result()).isEqualTo(Ptm.TPM_BAD_PARAMETER);
            assertThat(c.capabilities()).isEqualTo(0x1ffff);
        }
    }

    @Test
    void nativeUnixControlChannel_survivesGarbageAndIncompleteCommands() throws Exception {
        Path sock = dir.resolve("g.sock");
        try (TpmInstance tpm = TpmInstance.start(StateStore.inMemory(),
                new InstanceConfig(null, new ChannelSpec.UnixIo(sock, -1), SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE))) {
            try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 2}));
                assertThat(ch.read(java.nio.ByteBuffer.allocate(4))).as("dropped after 500 ms, no reply").isEqualTo(-1);
            }
            java.util.Random rnd = new java.util.Random(7);
            for (int i = 0; i < 20; i++) {
                try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
                    byte[] g = new byte[1 + rnd.nextInt(40)];
                    rnd.nextBytes(g);
                    g[0] = 0;
                    ch.write(java.nio.ByteBuffer.wrap(g));
                    ch.shutdownOutput();
                    while (ch.read(java.nio.ByteBuffer.allocate(64)) >= 0) { /* drain */ }
                }
            }
            assertThat(new SwtpmControl(new Endpoint.Unix(sock)).capabilities()).isEqualTo(0x1ffff);
        }
    }

    @Test
    void migration_blobsMoveToASecondInstance_whichResumesWithoutStartup() throws Exception {
        byte[] getRandom = HexFormat.of().parseHex("80010000000c0000017b0008");
        SwtpmFlags started = new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false);
        byte[] perm, vol;
        try (TpmInstance a = TpmInstance.start(DirectoryStateStore.open(dir.resolve("a"), 0640), InstanceConfig.tcpOnFreePorts(started))) {
            SwtpmControl c = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", a.ctrlPort()));
            perm = c.stateBlob(Ptm.BLOB_TYPE_PERMANENT);
            vol = c.stateBlob(Ptm.BLOB_TYPE_VOLATILE);
            assertThat(a.store().load(StateKind.VOLATILE)).as("GET_STATEBLOB(VOLATILE) deletes the file").isNull();
            assertThat(c.send(new dev.jtpm.wire.CtrlRequest.GetStateBlob(1, 3, 0)).result()).isEqualTo(Ptm.TPM_RETRY);
        }
        try (TpmInstance b = TpmInstance.start(DirectoryStateStore.open(dir.resolve("b"), 0640), InstanceConfig.tcpOnFreePorts(SwtpmFlags.DEFAULT))) {
            SwtpmControl c = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", b.ctrlPort()));
            assertThat(c.stop()).isZero();
            assertThat(c.setStateBlob(Ptm.BLOB_TYPE_PERMANENT, perm)).isZero();
            assertThat(c.setStateBlob(Ptm.BLOB_TYPE_VOLATILE, vol)).isZero();
            assertThat(c.init(Ptm.INIT_FLAG_DELETE_VOLATILE)).isZero();
            assertThat(b.store().load(StateKind.VOLATILE)).as("deleted after INIT(DELETE_VOLATILE)").isNull();
            try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", b.dataPort()),
                    new Endpoint.Tcp("127.0.0.1", b.ctrlPort()))) {
                assertThat(TpmHeader.responseCode(t.execute(getRandom, 0))).as("resumed: no Startup needed").isZero();
            }
        }
    }
}
