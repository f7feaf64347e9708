package dev.jtpm.tss;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Where a socket client connects: a TCP host and port, a Unix socket path, or a TLS server. */
public sealed interface Endpoint {

    /** Opens a blocking connection. */
    ByteChannel connect() throws IOException;

    /** A TCP endpoint. */
    record Tcp(String host, int port) implements Endpoint {
        public SocketChannel connect() throws IOException {
            SocketAddress a = new InetSocketAddress(host, port);
            SocketChannel ch = SocketChannel.open(a);
            ch.socket().setTcpNoDelay(true);
            return ch;
        }

        /** The same host at {@code port + delta}. */
        public Tcp plus(int delta) { return new Tcp(host, port + delta); }
    }

    /** A Unix socket endpoint. */
    record Unix(Path path) implements Endpoint {
        public SocketChannel connect() throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot connect to " + path + ": " + e.getMessage(), e);
            }
            return ch;
        }
    }

    /**
     * A TLS 1.3 server (jtpm socket or jtpm rm with {@code type=tls}): the client presents its certificate and checks
     * the server's.
     */
    record Tls(String host, int port, dev.jtpm.tss.tls.TlsClient client) implements Endpoint {
        public ByteChannel connect() throws IOException {
            return new dev.jtpm.tss.tls.TlsByteChannel(client.connect(host, port));
        }

        /** The same host at {@code port + delta}, with the same certificates. */
        public Tls plus(int delta) { return new Tls(host, port + delta, client); }
    }
}
