package dev.jtpm.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A {@link Conn} over a blocking Java {@link SocketChannel} (TCP or Unix). The read-side
 * {@link ByteBuffer} view is kept while the caller keeps reading into the same array (the data
 * channel does, once per command), instead of wrapping the array anew for every read.
 */
final class ChannelConn implements Conn {
    private final SocketChannel ch;
    private byte[] readArray;
    private ByteBuffer readView;

    ChannelConn(SocketChannel ch) {
        this.ch = ch;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (b != readArray) {
            readArray = b;
            readView = ByteBuffer.wrap(b);
        }
        readView.limit(off + len).position(off);
        if (!ch.isBlocking()) ch.configureBlocking(true); // left non-blocking by a spin
        return ch.read(readView);
    }

    /**
     * Polls in non-blocking mode until data comes or {@code spinNanos} pass, then blocks. The channel is
     * left non-blocking while commands keep coming within the spin (no mode switch per command); it is
     * switched to blocking only for a wait longer than that.
     */
    @Override
    public int readSpinning(byte[] b, int off, int len, long spinNanos) throws IOException {
        if (spinNanos <= 0) return read(b, off, len);
        if (b != readArray) {
            readArray = b;
            readView = ByteBuffer.wrap(b);
        }
        readView.limit(off + len).position(off);
        if (ch.isBlocking()) ch.configureBlocking(false);
        long start = System.nanoTime();
        do {
            int n = ch.read(readView);
            if (n != 0) return n;
            Thread.yield();
        } while (System.nanoTime() - start < spinNanos);
        ch.configureBlocking(true);
        return ch.read(readView);
    }

    @Override
    public void write(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (ch.write(buf) == 0) ch.configureBlocking(true); // non-blocking after a spin, and the send buffer is full
        }
    }

    @Override
    public void abort() { close(); }

    @Override
    public void close() { Io.closeQuietly(ch); }
}
