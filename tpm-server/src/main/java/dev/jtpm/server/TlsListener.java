package dev.jtpm.server;

import dev.jtpm.tss.tls.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TCP listener that speaks TLS 1.3 and requires a client certificate from the configured CA. Accepting does not
 * handshake: the handshake runs on the connection's own thread at its first read or write ({@link TlsConn}), under a
 * timeout, so a client that connects and never finishes the handshake holds only its own thread.
 */
final class TlsListener implements Acceptor {
    private final SSLServerSocket server;

    private TlsListener(SSLServerSocket server) {
        this.server = server;
    }

    /** Reads the certificate files (one-line errors naming the file) and binds; port 0 picks a free one. */
    static TlsListener bind(String bindAddr, int port, TlsFiles files) throws IOException {
        SSLContext ctx = files.context();
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        try {
            s.setReuseAddress(true);
            s.setEnabledProtocols(TlsFiles.PROTOCOLS);
            s.setNeedClientAuth(true);
            s.bind(new InetSocketAddress(bindAddr, port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + bindAddr + ":" + port + ": " + e.getMessage(), e);
        }
        return new TlsListener(s);
    }

    /** Waits for the next client; the handshake is left to the connection's first use. */
    @Override
    public TlsConn accept() throws IOException {
        SSLSocket c = (SSLSocket) server.accept();
        try {
            c.setTcpNoDelay(true);
        } catch (IOException e) {
            Io.closeQuietly(c);
            throw e;
        }
        return new TlsConn(c);
    }

    @Override
    public int port() { return server.getLocalPort(); }

    @Override
    public Path path() { return null; }

    @Override
    public boolean isOpen() { return !server.isClosed(); }

    @Override
    public void close() { Io.closeQuietly(server); }
}
