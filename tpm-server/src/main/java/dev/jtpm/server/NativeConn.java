package dev.jtpm.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Conn} over a raw socket descriptor: an accepted Unix control connection (which may carry
 * an SCM_RIGHTS descriptor) or the data socket QEMU hands over with CMD_SET_DATAFD.
 */
final class NativeConn implements Conn {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int[] received = {-1};
    private volatile boolean aborted;

    NativeConn(int fd) {
        this.fd = fd;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (aborted) return -1;
        int n = Posix.recv(fd, b, off, len, received);
        return n == 0 ? -1 : n;
    }

    /** Polls with MSG_DONTWAIT until data comes or {@code spinNanos} pass, yielding between polls; then blocks. */
    @Override
    public int readSpinning(byte[] b, int off, int len, long spinNanos) throws IOException {
        long start = System.nanoTime();
        while (spinNanos > 0 && !aborted) {
            int n = Posix.recv(fd, b, off, len, received, true);
            if (n >= 0) return n == 0 ? -1 : n;
            if (System.nanoTime() - start >= spinNanos) break;
            Thread.yield();
        }
        return read(b, off, len);
    }

    @Override
    public int takeReceivedFd() {
        int r = received[0];
        received[0] = -1;
        return r;
    }

    @Override
    public void write(byte[] b) throws IOException {
        if (aborted) throw new IOException("connection aborted");
        Posix.sendAll(fd, b);
    }

    @Override
    public void abort() {
        aborted = true;
        Posix.shutdown(fd);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Posix.shutdown(fd);
            Posix.close(fd);
        }
    }
}
