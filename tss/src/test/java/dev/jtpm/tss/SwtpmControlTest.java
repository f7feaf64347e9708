package dev.jtpm.tss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The control client against a scripted one-shot server. */
class SwtpmControlTest {

    /** Serves {@code n} connections, answering each request with {@code reply.apply(request)}. */
    static int serve(int n, Function<byte[], byte[]> reply) throws IOException {
        ServerSocket s = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (s) {
                for (int i = 0; i < n; i++) {
                    try (Socket c = s.accept()) {
                        InputStream in = c.getInputStream();
                        byte[] buf = new byte[4096];
                        int len = in.read(buf);
                        c.getOutputStream().write(reply.apply(Arrays.copyOf(buf, len)));
                    }
                }
            } catch (IOException ignored) {
                // test server ends
            }
        });
        return s.getLocalPort();
    }

    @Test
    void info_collectsAJsonLongerThanOneReply() throws IOException {
        byte[] json = ("{\"x\":\"" + "a".repeat(5000) + "\"}\0").getBytes(StandardCharsets.US_ASCII);
        int port = serve(2, req -> {
            int off = BigEndian.u32(req, 12);
            int len = Math.min(3072, json.length - off);
            return CtrlResponse.info(json.length, Arrays.copyOfRange(json, off, off + len));
        });
        String got = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port)).info(1);
        assertThat(got).hasSize(json.length - 1).startsWith("{\"x\":\"aaa").endsWith("\"}");
    }

    @Test
    void errorsAreFourBytes_andStateBlobAlwaysSixteen() throws IOException {
        int port = serve(2, req -> BigEndian.u32(req, 0) == 0x0c ? CtrlResponse.stateBlob(0x800, 0, new byte[0])
                : CtrlResponse.result(0x0a));
        SwtpmControl c = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port));
        assertThatThrownBy(c::capabilities).isInstanceOf(SwtpmControl.CtrlException.class).hasMessageContaining("0xa");
        SwtpmControl.Reply r = c.send(new CtrlRequest.GetStateBlob(1, 3, 0));
        assertThat(r.result()).isEqualTo(0x800);
        assertThat(r.bytes()).hasSize(16);
    }

    @Test
    void connected_sendsRequestsOverOneConnection_andReconnectsAfterAFourByteStateBlobError() throws Exception {
        ServerSocket s = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread server = Thread.ofVirtual().start(() -> {
            try (s) {
                for (int conn = 0; conn < 2; conn++) {
                    try (Socket c = s.accept()) {
                        java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
                        for (int i = 0; i < (conn == 0 ? 2 : 1); i++) {
                            int code = in.readInt();
                            seen.add(conn + ":" + code);
                            if (code == 0x0c) in.readFully(new byte[12]);
                            c.getOutputStream().write(code == 0x0c ? CtrlResponse.result(0x0a) : CtrlResponse.capability(0xffff));
                        }
                    }
                }
            } catch (IOException ignored) {
                // test server ends
            }
        });
        try (SwtpmControl c = SwtpmControl.connect(new Endpoint.Tcp("127.0.0.1", s.getLocalPort()))) {
            assertThat(c.capabilities()).isEqualTo(0xffff);
            SwtpmControl.Reply r = c.send(new CtrlRequest.GetStateBlob(1, 2, 0));   // not running: 4 bytes only
            assertThat(r.result()).isEqualTo(0x0a);
            assertThat(r.bytes()).hasSize(4);
            assertThat(c.capabilities()).isEqualTo(0xffff);
        }
        server.join();
        assertThat(seen).containsExactly("0:1", "0:12", "1:1");
    }

    @Test
    void lockStorage_sendsTheRetries() throws IOException {
        int port = serve(1, req -> CtrlResponse.result(BigEndian.u32(req, 0) == 0x13 && BigEndian.u32(req, 4) == 300 ? 0 : 9));
        assertThat(new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port)).lockStorage(300)).isZero();
    }

    @Test
    void inProcessTransport_copiesBothWays() throws IOException {
        byte[] seen = new byte[1];
        InProcessTransport t = new InProcessTransport((cmd, loc) -> {
            cmd[0] = 9;
            return seen;
        });
        byte[] cmd = {1};
        byte[] rsp = t.execute(cmd, 0);
        rsp[0] = 7;
        assertThat(cmd[0]).isEqualTo((byte) 1);
        assertThat(seen[0]).isZero();
    }
}
