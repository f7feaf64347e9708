package dev.jtpm.server.rm;

import dev.jtpm.server.ServiceChannels;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One client connection of the RM: bytes in and out, the peer's address when it has one, and an abort usable from any
 * thread (the read-timeout watchdog). {@link #partialSince} is set while a request is incomplete.
 */
abstract class RmStream implements AutoCloseable {
    /** System.nanoTime() when the incomplete request began, or 0. */
    volatile long partialSince;

    abstract int read(byte[] b, int off, int len) throws IOException;

    abstract void write(byte[] b) throws IOException;

    abstract void abort();

    /** The peer's TCP address, or null. */
    InetSocketAddress peer() { return null; }

    /** Our TCP address, or null. */
    InetSocketAddress local() { return null; }

    @Override
    public void close() { abort(); }

    void readFully(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = read(b, off, b.length - off);
            if (n < 0) throw new EOFException("connection closed");
            off += n;
        }
    }

    int readU32() throws IOException {
        byte[] b = new byte[4];
        readFully(b);
        return dev.jtpm.wire.BigEndian.u32(b, 0);
    }

    /** Marks the start of a request that must be complete within the read timeout. */
    void startPartial() { if (partialSince == 0) partialSince = System.nanoTime() | 1; }

    void endPartial() { partialSince = 0; }

    /** Over a blocking socket channel (TCP or Unix). */
    static RmStream of(SocketChannel ch) {
        return new RmStream() {
            private final ByteBuffer none = ByteBuffer.allocate(0);
            private byte[] array;
            private ByteBuffer view = none;

            @Override
            int read(byte[] b, int off, int len) throws IOException {
                if (b != array) {
                    array = b;
                    view = ByteBuffer.wrap(b);
                }
                view.limit(off + len).position(off);
                return ch.read(view);
            }

            @Override
            void write(byte[] b) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b);
                while (buf.hasRemaining()) ch.write(buf);
            }

            @Override
            void abort() {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }

            @Override
            InetSocketAddress peer() {
                try {
                    return ch.getRemoteAddress() instanceof InetSocketAddress a ? a : null;
                } catch (IOException e) {
                    return null;
                }
            }

            @Override
            InetSocketAddress local() {
                try {
                    return ch.getLocalAddress() instanceof InetSocketAddress a ? a : null;
                } catch (IOException e) {
                    return null;
                }
            }
        };
    }

    /** Over a connection of a listener type bound by {@code jtpm socket}'s code (no addresses). */
    static RmStream of(ServiceChannels.Connection c) {
        return new RmStream() {
            @Override int read(byte[] b, int off, int len) throws IOException { return c.read(b, off, len); }

            @Override void write(byte[] b) throws IOException { c.write(b); }

            @Override void abort() { c.abort(); }

            @Override public void close() { c.close(); }
        };
    }
}
