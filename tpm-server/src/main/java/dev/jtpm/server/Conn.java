package dev.jtpm.server;

import java.io.IOException;

/** One byte-stream connection a server speaks over: a Java socket channel or a raw native fd. */
public interface Conn extends AutoCloseable {

    /** Reads up to {@code len} bytes (blocking for at least one); -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException;

    /** Writes all bytes. */
    void write(byte[] b) throws IOException;

    /**
     * Like {@link #read}, but first polls without blocking for up to {@code spinNanos}, giving the CPU to
     * any other runnable thread between polls, and blocks only when nothing came in that time (see
     * {@link ReadSpin}). Connections that cannot poll just read.
     */
    default int readSpinning(byte[] b, int off, int len, long spinNanos) throws IOException { return read(b, off, len); }

    /** A file descriptor received with the last read (SCM_RIGHTS), or -1; ownership passes to the caller. */
    default int takeReceivedFd() { return -1; }

    /** Makes blocked and future reads fail or end, from any thread, without releasing the descriptor. */
    void abort();

    /** Releases the connection. */
    @Override
    void close();

    /** Reads exactly {@code n} bytes. */
    default byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = read(b, off, n - off);
            if (r < 0) throw new java.io.EOFException("connection closed");
            off += r;
        }
        return b;
    }

    /** Reads a big-endian u32. */
    default int readU32() throws IOException { return dev.jtpm.wire.BigEndian.u32(readFully(4), 0); }
}
