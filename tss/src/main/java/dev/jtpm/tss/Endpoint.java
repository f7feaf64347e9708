package dev.jtpm.tss;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Where a socket client connects: a TCP host and port, or a Unix socket path. */
public sealed interface Endpoint {

    /** Opens a blocking connection. */
    SocketChannel connect() throws IOException;

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
}
