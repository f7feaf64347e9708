package dev.jtpm.server.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.tss.MssimTransport;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.Ptm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RmServer}'s channels: mssim, a Unix socket with its {@code .ctrl} beside it, the shared control channel's
 * answers (nothing that would reset the shared TPM), a malformed frame, a client that stalls mid-request (closed, and
 * no one else waits for it), and the option forms.
 */
class RmServerTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    /** A port P below the ephemeral range with P+1 free too. */
    static int freePair() {
        for (int i = 0; i < 200; i++) {
            int p = 20000 + 2 * ThreadLocalRandom.current().nextInt(6300);
            if (free(p) && free(p + 1)) return p;
        }
        throw new IllegalStateException("no free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    RmServer start(ChannelSpec server, ChannelSpec ctrl, long readTimeoutMillis) throws Exception {
        Backend b = BackendSpec.parse("--backend", "in-process").open();
        RmServer s = RmServer.start(BackendLink.over(b, () -> b, 60_000),
                new RmServer.Config(server, ctrl, ResourceManager.Limits.DEFAULT, readTimeoutMillis, 60_000), ServerLog.NONE);
        open.add(s);
        return s;
    }

    static final byte[] GET_RANDOM = CommandBytes.encode(new GetRandom(8));

    static int rc(byte[] rsp) { return BigEndian.u32(rsp, 6); }

    @Test
    void mssim_servesCommandsInASpace_andAcknowledgesPlatformSignalsWithoutActing() throws Exception {
        int port = freePair();
        RmServer s = start(new ChannelSpec.Mssim("127.0.0.1", port), null, 10_000);
        try (MssimTransport t = MssimTransport.connect("127.0.0.1", port)) {
            t.powerOn();
            t.nvOn();
            assertThat(rc(t.execute(GET_RANDOM, 0))).isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(rc(t.execute(ResourceManagerTest.createPrimary(i), 0))).as("primary " + i).isZero();
            }
        }
        assertThat(s.platformPort()).isEqualTo(port + 1);
    }

    @Test
    void unixSocket_withItsControlSocketBeside_andTheSharedControlChannelAnswers() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-rm");
        Path sock = dir.resolve("tpm.sock");
        RmServer.Config c = RmOptions.parse("type=unixio,path=" + sock + ",mode=0660", null, 16, 8, 10_000, 60_000);
        assertThat(c.ctrl()).isEqualTo(new ChannelSpec.UnixIo(Path.of(sock + ".ctrl"), 0660, ((ChannelSpec.UnixIo) c.server()).owner()));
        start(c.server(), c.ctrl(), 10_000);
        assertThat(Files.getPosixFilePermissions(sock)).hasSize(4); // rw-rw----
        try (SwtpmSocketTransport t = SwtpmSocketTransport.unix(sock)) {
            assertThat(rc(t.execute(GET_RANDOM, 0))).isZero();
            assertThat(t.ctrl().capabilities()).isEqualTo(RmServer.CTRL_CAPS);
            assertThat(t.ctrl().init(0)).as("CMD_INIT would reset every client's TPM").isEqualTo(Ptm.TPM_BAD_ORDINAL);
            assertThat(t.ctrl().stop()).isEqualTo(Ptm.TPM_BAD_ORDINAL);
            assertThat(t.ctrl().shutdown()).isEqualTo(Ptm.TPM_BAD_ORDINAL);
            assertThat(t.ctrl().setLocality(5)).isEqualTo(Ptm.TPM_BAD_LOCALITY);
            assertThat(t.ctrl().setLocality(0)).isEqualTo(Ptm.TPM_SUCCESS);
            assertThat(t.ctrl().cancel()).isEqualTo(Ptm.TPM_SUCCESS);
            assertThat(t.ctrl().config()).isZero();
            assertThat(rc(t.execute(GET_RANDOM, 0))).as("still serving").isZero();
        }
    }

    @Test
    void malformedFrame_isAnsweredAndDropped_andAStalledClientIsClosedWithoutHoldingOthers() throws Exception {
        int port = freePair();
        start(new ChannelSpec.Tcp("127.0.0.1", port, false), new ChannelSpec.Tcp("127.0.0.1", port + 1, false), 300);
        try (SocketChannel bad = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            bad.write(ByteBuffer.wrap(new byte[] {(byte) 0x80, 1, 0, 0, 0, 5, 0, 0, 1, 0x7b}));
            ByteBuffer rsp = ByteBuffer.allocate(10);
            while (rsp.hasRemaining() && bad.read(rsp) >= 0) { }
            assertThat(BigEndian.u32(rsp.array(), 6)).isEqualTo(TpmRc.COMMAND_SIZE.value());
            assertThat(bad.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
        try (SocketChannel stalled = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
             SwtpmSocketTransport other = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            stalled.write(ByteBuffer.wrap(new byte[] {(byte) 0x80, 1, 0, 0, 0, 12})); // half a header, then nothing
            assertThat(rc(other.execute(GET_RANDOM, 0))).as("another client is served meanwhile").isZero();
            assertThat(stalled.read(ByteBuffer.allocate(1))).as("closed after the read timeout").isEqualTo(-1);
        }
    }

    @Test
    void options_defaultsAndOneLineErrors() throws Exception {
        RmServer.Config tcp = RmOptions.parse("type=tcp,port=2421", null, 16, 8, 10_000, 60_000);
        assertThat(tcp.server()).isEqualTo(new ChannelSpec.Tcp("127.0.0.1", 2421, false));
        assertThat(tcp.ctrl()).isEqualTo(new ChannelSpec.Tcp("127.0.0.1", 2422, false));
        assertThat(RmOptions.parse("type=mssim,port=2421", null, 16, 8, 10_000, 60_000).ctrl()).isNull();
        assertThat(RmOptions.parse("type=tcp,port=2421", "type=unixio,path=/tmp/x", 16, 8, 10_000, 60_000).ctrl())
                .isEqualTo(new ChannelSpec.UnixIo(Path.of("/tmp/x"), -1));
        for (String[] bad : new String[][] {{"type=tcp,port=99999", null}, {"type=tcp,port=1,group=root", null},
                {"type=carrier-pigeon", null}, {"type=mssim,port=1", "type=tcp,port=3"}, {"type=tcp,port=1", "type=udp,port=2"}}) {
            try {
                RmOptions.parse(bad[0], bad[1], 16, 8, 10_000, 60_000);
                throw new AssertionError("accepted " + String.join(" ", bad[0], String.valueOf(bad[1])));
            } catch (OptionException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
            }
        }
    }

    @Test
    void unixSocketGroup_isSet() throws Exception {
        Path sock = Files.createTempDirectory("jtpm-rm").resolve("g.sock");
        String group = Files.readAttributes(sock.getParent(), java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        RmServer.Config c = RmOptions.parse("type=unixio,path=" + sock + ",group=" + group, null, 16, 8, 10_000, 60_000);
        Backend b = BackendSpec.parse("--backend", "in-process").open();
        open.add(RmServer.start(BackendLink.over(b, () -> b, 60_000), c, ServerLog.NONE));
        assertThat(Files.readAttributes(sock, java.nio.file.attribute.PosixFileAttributes.class).group().getName()).isEqualTo(group);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
        }
    }
}
