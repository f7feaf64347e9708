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
        return ch.read(readView);
    }

    @Override
    public void write(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    @Override
    public void abort() { close(); }

    @Override
    public void close() { Io.closeQuietly(ch); }
}
