package dev.jtpm.server;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection whose peer is a fuzz input: reads hand out the input in pieces of a size the input chooses
 * (fragmentation), then end of stream; writes are kept. {@link #awaitClosed} waits for the server to let go.
 */
final class MemoryConn implements Conn {
    private final byte[] in;
    private final int piece;
    private int pos;
    private volatile boolean aborted;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CountDownLatch closed = new CountDownLatch(1);

    /** @param piece the most one read returns (at least 1) */
    MemoryConn(byte[] in, int piece) {
        this.in = in;
        this.piece = Math.max(1, piece);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (aborted || pos >= in.length) return -1;
        int n = Math.min(Math.min(len, piece), in.length - pos);
        System.arraycopy(in, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized void write(byte[] b) { out.writeBytes(b); }

    @Override
    public void abort() { aborted = true; }

    @Override
    public void close() { closed.countDown(); }

    /** What the server wrote. */
    synchronized byte[] written() { return out.toByteArray(); }

    /** True once the server closed the connection within the hang guard. */
    boolean awaitClosed(long seconds) throws InterruptedException { return closed.await(seconds, TimeUnit.SECONDS); }

    /** An acceptor that hands out {@code conn} once (or nothing, for null) and then waits until closed. */
    static Acceptor acceptorOf(MemoryConn conn) {
        return new Acceptor() {
            private final CountDownLatch shut = new CountDownLatch(1);
            private boolean given = conn == null;

            @Override
            public Conn accept() throws java.io.IOException {
                synchronized (this) {
                    if (!given) {
                        given = true;
                        return conn;
                    }
                }
                try {
                    shut.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new java.io.IOException("closed");
            }

            @Override public int port() { return -1; }

            @Override public java.nio.file.Path path() { return null; }

            @Override public boolean isOpen() { return shut.getCount() > 0; }

            @Override public void close() { shut.countDown(); }
        };
    }
}
