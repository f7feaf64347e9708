package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Conn#readSpinning}: data that is there, data that comes during the spin and data that comes
 * only after it (the blocking fallback) are all read; the end of the stream is -1; a connection left
 * non-blocking by a spin still writes and blocks again later. Over TCP ({@link ChannelConn}) and a native
 * Unix connection ({@link NativeConn}, QEMU's data socket).
 */
class ReadSpinTest {
    static final long SHORT_SPIN = TimeUnit.MILLISECONDS.toNanos(1);
    static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(5);

    @Test
    void channelConn_readsWhatIsThere_whatComesLate_andTheEnd() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress()); SocketChannel accepted = server.accept()) {
                exercise(new ChannelConn(accepted), client);
            }
        }
    }

    @Test
    void nativeConn_readsWhatIsThere_whatComesLate_andTheEnd(@TempDir Path dir) throws Exception {
        assumeThat(Posix.AVAILABLE).as("native Unix sockets").isTrue();
        Path path = dir.resolve("s");
        NativeUnixListener listener = NativeUnixListener.bind(path, 0600);
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            Conn accepted = listener.accept();
            try (accepted) {
                exercise(accepted, client);
            }
        } finally {
            listener.close();
            Files.deleteIfExists(path);
        }
    }

    @Test
    void polls_onlyAfterAShortWait() throws IOException {
        assumeThat(ReadSpin.NANOS).as("polling on (jtpm.data.spinMicros)").isPositive();
        long[] now = {0};
        java.util.List<String> calls = new java.util.ArrayList<>();
        long[] nextWait = {0};
        Conn fake = new Conn() {
            @Override public int read(byte[] b, int off, int len) { calls.add("block"); now[0] += nextWait[0]; return 1; }
            @Override public int readSpinning(byte[] b, int off, int len, long spinNanos) {
                calls.add("poll");
                now[0] += nextWait[0];
                return 1;
            }
            @Override public void write(byte[] b) {}
            @Override public void abort() {}
            @Override public void close() {}
        };
        ReadSpin spin = new ReadSpin(() -> now[0], new java.util.concurrent.Semaphore(1)); // not the process-wide bound
        byte[] buf = new byte[4];
        nextWait[0] = 10_000; // 10 µs
        spin.read(fake, buf, 0, 4); // the first command of a connection: no wait known yet
        spin.read(fake, buf, 0, 4); // came 10 µs after: a busy client
        nextWait[0] = TimeUnit.MILLISECONDS.toNanos(50);
        spin.read(fake, buf, 0, 4); // still polls (the last wait was short), but waits 50 ms
        spin.read(fake, buf, 0, 4); // after a long wait: blocks at once
        assertThat(calls).containsExactly("block", "poll", "poll", "block");
    }

    private static void exercise(Conn conn, SocketChannel peer) throws Exception {
        byte[] buf = new byte[16];
        peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(readAll(conn, buf, 3, SHORT_SPIN)).containsExactly(1, 2, 3);

        // comes during a long spin
        CompletableFuture<Void> soon = CompletableFuture.runAsync(() -> write(peer, new byte[] {4, 5}, 20));
        assertThat(readAll(conn, buf, 2, LONG_SPIN)).containsExactly(4, 5);
        soon.get(10, TimeUnit.SECONDS);

        // left non-blocking by the spin: the response still goes out whole
        conn.write(new byte[] {9, 8, 7});
        ByteBuffer got = ByteBuffer.allocate(3);
        while (got.hasRemaining()) peer.read(got);
        assertThat(got.array()).containsExactly(9, 8, 7);

        // comes only after a short spin: the blocking read gets it
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> write(peer, new byte[] {6}, 200));
        assertThat(readAll(conn, buf, 1, SHORT_SPIN)).containsExactly(6);
        late.get(10, TimeUnit.SECONDS);

        // a plain read after a spin blocks again (it does not answer 0 on a channel the spin left non-blocking)
        peer.write(ByteBuffer.wrap(new byte[] {7}));
        assertThat(readAll(conn, buf, 1, SHORT_SPIN)).containsExactly(7);
        CompletableFuture<Void> plain = CompletableFuture.runAsync(() -> write(peer, new byte[] {8}, 50));
        assertThat(conn.read(buf, 0, buf.length)).isEqualTo(1);
        assertThat(buf[0]).isEqualTo((byte) 8);
        plain.get(10, TimeUnit.SECONDS);

        peer.shutdownOutput();
        assertThat(conn.readSpinning(buf, 0, buf.length, SHORT_SPIN)).isEqualTo(-1);
    }

    private static byte[] readAll(Conn conn, byte[] buf, int n, long spin) throws IOException {
        int off = 0;
        while (off < n) {
            int r = conn.readSpinning(buf, off, buf.length - off, spin);
            assertThat(r).as("bytes read").isPositive();
            off += r;
        }
        assertThat(off).isEqualTo(n);
        return java.util.Arrays.copyOf(buf, n);
    }

    private static void write(SocketChannel peer, byte[] b, long afterMillis) {
        try {
            Thread.sleep(afterMillis);
            peer.write(ByteBuffer.wrap(b));
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }
}
