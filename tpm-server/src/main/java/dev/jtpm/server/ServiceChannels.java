package dev.jtpm.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service in front of a TPM ({@code jtpm rm}) borrows from {@code jtpm socket}: {@code --server} and
 * {@code --ctrl} parsed as swtpm's (the same {@link ChannelSpec}s, so a listener type added there is parsed here
 * too), Unix sockets published the way {@link Listener} publishes them, and any other listener type reached through
 * {@link TpmInstance}'s one place that binds them.
 */
public final class ServiceChannels {
    private ServiceChannels() {}

    /** {@code --server} as {@code jtpm socket} parses it (without {@code TPM_PORT}); an inherited fd= is refused. */
    public static ChannelSpec parseServer(String text) throws OptionException {
        if (text == null || text.isEmpty()) throw new OptionException("--server: missing value");
        ChannelSpec spec = SocketOptions.parseServer(text, Map.of());
        if (spec instanceof ChannelSpec.Fd) throw new OptionException("--server: fd= is not supported here");
        return spec;
    }

    /**
     * {@code --ctrl type=tcp,port=N[,bindaddr=A]}, {@code --ctrl type=unixio,path=P[,mode=M][,uid=U][,gid=G|group=G]} or
     * {@code --ctrl type=tls,port=N[,bindaddr=A],cert=F,key=F,ca=F}.
     */
    public static ChannelSpec parseCtrl(String text) throws OptionException {
        KeyValueOption kv = KeyValueOption.parse("--ctrl", text, Set.of("type", "path", "port", "bindaddr", "mode", "uid", "gid", "group",
                "cert", "key", "ca"));
        return switch (kv.require("type")) {
            case "tcp" -> {
                for (String k : List.of("path", "mode", "uid", "gid", "group", "cert", "key", "ca")) {
                    if (kv.has(k)) throw new OptionException("--ctrl: " + k + "= does not apply to type=tcp");
                }
                yield new ChannelSpec.Tcp(kv.has("bindaddr") ? kv.require("bindaddr") : "127.0.0.1",
                        KeyValueOption.parsePort("--ctrl", kv.require("port")), false);
            }
            case "unixio" -> {
                if (kv.has("port") || kv.has("bindaddr")) throw new OptionException("--ctrl: port=/bindaddr= do not apply to type=unixio");
                if (kv.has("cert") || kv.has("key") || kv.has("ca")) throw new OptionException("--ctrl: cert=/key=/ca= apply to type=tls");
                yield new ChannelSpec.UnixIo(Path.of(kv.require("path")), kv.mode("mode", -1),
                        SocketOwner.parse("--ctrl", kv.get("uid"), kv.get("gid"), kv.get("group")));
            }
            case "tls" -> {
                for (String k : List.of("path", "mode", "uid", "gid", "group")) {
                    if (kv.has(k)) throw new OptionException("--ctrl: " + k + "= does not apply to type=tls");
                }
                yield SocketOptions.tls(kv, KeyValueOption.parsePort("--ctrl", kv.require("port")));
            }
            default -> throw new OptionException("--ctrl: unsupported type '" + kv.get("type") + "' (tcp, unixio or tls)");
        };
    }

    /** A bound TCP listener (port 0: a free one), TCP_NODELAY left to the caller. */
    public static ServerSocketChannel bindTcp(String bindAddr, int port) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            s.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(bindAddr, port), 64);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + bindAddr + ":" + port + ": " + e.getMessage(), e);
        }
        return s;
    }

    /**
     * A Unix socket listener at {@code u.path()}, published only once it listens, with its mode (-1: as created) and
     * owner; a stale socket file there is replaced.
     */
    public static ServerSocketChannel bindUnix(ChannelSpec.UnixIo u) throws IOException {
        Path path = u.path();
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Path at = Listener.bindPath(path);
        if (!at.equals(path)) Files.deleteIfExists(at);
        try {
            s.bind(UnixDomainSocketAddress.of(at), 64);
            Listener.publish(at, path, u.mode(), u.owner());
        } catch (IOException e) {
            s.close();
            Files.deleteIfExists(at);
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** A listener of a type this class does not bind itself (e.g. one added to {@link ChannelSpec} later). */
    public static Accepting listen(ChannelSpec spec) throws IOException {
        return new Accepting(TpmInstance.listen(spec));
    }

    /** A listener bound by {@link #listen}. */
    public static final class Accepting implements AutoCloseable {
        private final Acceptor acceptor;

        Accepting(Acceptor acceptor) { this.acceptor = acceptor; }

        /** Waits for the next client. */
        public Connection accept() throws IOException { return new Connection(acceptor.accept()); }

        /** The bound TCP port, or -1. */
        public int port() { return acceptor.port(); }

        /** True until closed. */
        public boolean isOpen() { return acceptor.isOpen(); }

        @Override public void close() { acceptor.close(); }
    }

    /** One accepted connection of an {@link Accepting} listener. */
    public static final class Connection implements AutoCloseable {
        private final Conn conn;

        Connection(Conn conn) { this.conn = conn; }

        /** Reads up to {@code len} bytes; -1 at end of stream. */
        public int read(byte[] b, int off, int len) throws IOException { return conn.read(b, off, len); }

        /** Writes all bytes. */
        public void write(byte[] b) throws IOException { conn.write(b); }

        /** Makes blocked reads end, from any thread. */
        public void abort() { conn.abort(); }

        @Override public void close() { conn.close(); }
    }
}
