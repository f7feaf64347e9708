package dev.jtpm.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.HexFormat;

/** A raw test client: writes bytes, reads exact counts (with a generous safety timeout). */
final class Raw implements AutoCloseable {
    static final HexFormat HEX = HexFormat.of();
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Raw send(String hex) throws IOException { return send(HEX.parseHex(hex)); }

    Raw send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    byte[] read(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new EOFException("wanted " + n + " bytes, got " + b.length);
        return b;
    }

    String readHex(int n) throws IOException { return HEX.formatHex(read(n)); }

    /** True when the server closed the connection (no more bytes). */
    boolean closedByPeer() throws IOException {
        return in.read() < 0;
    }

    /** One request on a fresh connection, reading {@code n} reply bytes. */
    static String roundTrip(int port, String hex, int n) throws IOException {
        try (Raw r = new Raw(port)) {
            return r.send(hex).readHex(n);
        }
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
