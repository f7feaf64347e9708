package dev.jtpm.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Blocking read and write helpers on socket channels. */
final class Io {
    private Io() {}

    /** Reads up to {@code max} bytes (at least 1); -1 at end of stream. */
    static int readSome(SocketChannel ch, byte[] b, int off, int max) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, max));
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw new EOFException("connection closed");
        }
        return buf.array();
    }

    /** Reads a big-endian u32. */
    static int readU32(SocketChannel ch) throws IOException {
        byte[] b = readFully(ch, 4);
        return dev.jtpm.wire.BigEndian.u32(b, 0);
    }

    /** Writes all bytes. */
    static void writeAll(SocketChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) c.close();
        } catch (Exception ignored) {
            // nothing useful to do
        }
    }
}
