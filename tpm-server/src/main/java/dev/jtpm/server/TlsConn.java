package dev.jtpm.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Conn} over a server-side TLS socket. {@link TlsListener} runs the handshake (the client's certificate
 * checked) before handing the connection out, bounded by {@link #HANDSHAKE_TIMEOUT_MILLIS}; reads and writes would
 * run it otherwise, so a connection never carries a byte of the protocol before the check.
 */
final class TlsConn implements Conn {
    /** How long a client may take to finish the handshake. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SSLSocket socket;
    private final java.net.Socket tcp;
    private InputStream in;
    private OutputStream out;

    /** {@code socket} layered over {@code tcp}. */
    TlsConn(SSLSocket socket, java.net.Socket tcp) {
        this.socket = socket;
        this.tcp = tcp;
    }

    /** Runs the handshake unless done; throws when it fails, times out or the client has no acceptable certificate. */
    void handshake() throws IOException {
        if (in != null) return;
        try {
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            socket.startHandshake();
            socket.setSoTimeout(0);
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("TLS handshake timed out", e);
        } catch (IOException e) {
            throw new IOException("TLS handshake failed: " + e.getMessage(), e);
        }
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        handshake();
        return in.read(b, off, len);
    }

    @Override
    public void write(byte[] b) throws IOException {
        handshake();
        out.write(b);
        out.flush();
    }

    @Override
    public void abort() { if (tcp != null) Io.closeQuietly(tcp); } // at once, even under a blocked reader

    @Override
    public void close() { if (socket != null) Io.closeQuietly(socket); }
}
