package dev.jtpm.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A {@link Conn} over a blocking Java {@link SocketChannel} (TCP or Unix). */
record ChannelConn(SocketChannel ch) implements Conn {
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, len));
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
