package dev.jtpm.server;

import java.io.IOException;

/**
 * A {@link Conn} that reads ahead: the mssim protocol reads a command as four pieces (code,
 * locality, size, body), which would be four {@code read} calls per command; through this, it is
 * usually one. For a connection with a single reader only (bytes read ahead belong to it).
 */
final class BufferedConn implements Conn {
    private final Conn conn;
    private final byte[] buf;
    private int pos;
    private int end;

    BufferedConn(Conn conn, int size) {
        this.conn = conn;
        this.buf = new byte[size];
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == end) {
            if (len >= buf.length) return conn.read(b, off, len);
            int n = conn.read(buf, 0, buf.length);
            if (n < 0) return n;
            pos = 0;
            end = n;
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void write(byte[] b) throws IOException { conn.write(b); }

    @Override
    public void abort() { conn.abort(); }

    @Override
    public void close() { conn.close(); }
}
