package dev.jtpm.server;

import dev.jtpm.tss.tls.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TCP listener that speaks TLS 1.3 and requires a client certificate from the configured CA. A virtual thread
 * accepts; every connection then handshakes on a virtual thread of its own, under {@link TlsConn#HANDSHAKE_TIMEOUT_MILLIS},
 * and only a connection whose handshake completed (client certificate checked) is handed out by {@link #accept()}: a
 * client that connects and never finishes the handshake holds its own thread only, never the accept loop nor the
 * control channel (which serves one connection at a time), and no byte of the protocol is read before the check.
 */
final class TlsListener implements Acceptor {
    private static final TlsConn CLOSED = new TlsConn(null, null);

    private final ServerSocket server;
    private final SSLSocketFactory tls;
    private final ServerLog log;
    private final LinkedBlockingQueue<TlsConn> ready = new LinkedBlockingQueue<>();

    private TlsListener(ServerSocket server, SSLSocketFactory tls, ServerLog log) {
        this.server = server;
        this.tls = tls;
        this.log = log;
    }

    /** Reads the certificate files (one-line errors naming the file) and binds; port 0 picks a free one. */
    static TlsListener bind(String bindAddr, int port, TlsFiles files, ServerLog log) throws IOException {
        SSLContext ctx = files.context();
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bindAddr, port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + bindAddr + ":" + port + ": " + e.getMessage(), e);
        }
        TlsListener l = new TlsListener(s, ctx.getSocketFactory(), log);
        Thread.ofVirtual().name("jtpm-tls-accept").start(l::acceptLoop);
        return l;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) log.error("jtpm: TLS accept failed: " + e.getMessage());
                break;
            }
            Thread.ofVirtual().name("jtpm-tls-handshake").start(() -> handshake(c));
        }
        ready.add(CLOSED);
    }

    /**
     * The TLS socket is layered over the accepted one, so that {@link TlsConn#abort()} can close the TCP socket under a
     * reader at once (closing an {@link SSLSocket} first tries to send close_notify, which waits for the reader).
     */
    private void handshake(Socket plain) {
        TlsConn conn;
        try {
            plain.setTcpNoDelay(true);
            SSLSocket c = (SSLSocket) tls.createSocket(plain, null, true); // server mode
            SSLParameters p = c.getSSLParameters();
            p.setProtocols(TlsFiles.PROTOCOLS);
            p.setNeedClientAuth(true);
            c.setSSLParameters(p);
            conn = new TlsConn(c, plain);
        } catch (IOException | RuntimeException e) {
            log.error("jtpm: TLS set-up failed: " + e.getMessage());
            Io.closeQuietly(plain);
            return;
        }
        try {
            conn.handshake();
        } catch (IOException e) {
            log.info("jtpm: " + plain.getRemoteSocketAddress() + ": " + e.getMessage());
            conn.close();
            return;
        }
        if (server.isClosed()) {
            conn.close();
            return;
        }
        ready.add(conn);
    }

    /** Waits for the next client whose handshake completed. */
    @Override
    public Conn accept() throws IOException {
        TlsConn c;
        try {
            c = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        if (c == CLOSED) {
            ready.add(CLOSED); // for any other waiter
            throw new java.nio.channels.ClosedChannelException();
        }
        return c;
    }

    @Override
    public int port() { return server.getLocalPort(); }

    @Override
    public Path path() { return null; }

    @Override
    public boolean isOpen() { return !server.isClosed(); }

    @Override
    public void close() {
        Io.closeQuietly(server);
        for (TlsConn c; (c = ready.poll()) != null; ) if (c != CLOSED) c.close();
        ready.add(CLOSED);
    }
}
