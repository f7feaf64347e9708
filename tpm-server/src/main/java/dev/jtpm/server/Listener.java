package dev.jtpm.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A bound listening socket, TCP or Unix; closing it unlinks a Unix socket file. */
final class Listener implements Acceptor {
    private final ServerSocketChannel server;
    private final Path path;

    private Listener(ServerSocketChannel server, Path path) {
        this.server = server;
        this.path = path;
    }

    /** Binds a TCP listener; port 0 picks a free one. */
    static Listener tcp(String bindAddr, int port) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            s.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(bindAddr, port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + bindAddr + ":" + port + ": " + e.getMessage(), e);
        }
        return new Listener(s, null);
    }

    /** Binds a Unix socket listener, replacing a stale socket file at that path. */
    static Listener unix(Path path, int mode) throws IOException {
        return unix(path, mode, SocketOwner.NONE);
    }

    /** Binds a Unix socket listener with a mode and an owner, replacing a stale socket file at that path. */
    static Listener unix(Path path, int mode, SocketOwner owner) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Path at = bindPath(path);
        if (!at.equals(path)) Files.deleteIfExists(at); // left by a killed process with the same pid
        try {
            s.bind(UnixDomainSocketAddress.of(at), 16);
            publish(at, path, mode, owner);
        } catch (IOException e) {
            s.close();
            Files.deleteIfExists(at);
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        return new Listener(s, path);
    }

    /**
     * Where to bind a Unix socket that is to appear at {@code path}: a private name beside it (when that still fits
     * sun_path), so that {@link #publish} can make the file appear only once it listens, with its mode — a client
     * that connects as soon as the file exists (libvirt, QEMU) never meets a socket between bind and listen.
     */
    static Path bindPath(Path path) {
        Path tmp = path.resolveSibling("." + path.getFileName() + ".jtpm-" + ProcessHandle.current().pid());
        return tmp.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 108 ? tmp : path;
    }

    /** Sets the mode of the listening socket bound at {@code at} and renames it to {@code path}. */
    static void publish(Path at, Path path, int mode) throws IOException {
        publish(at, path, mode, SocketOwner.NONE);
    }

    /** Sets the owner and mode of the listening socket bound at {@code at} and renames it to {@code path}. */
    static void publish(Path at, Path path, int mode, SocketOwner owner) throws IOException {
        owner.apply(at);
        if (mode >= 0) Files.setPosixFilePermissions(at, PosixFilePermissions.fromString(rwx(mode)));
        if (!at.equals(path)) {
            Files.move(at, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Conn accept() throws IOException {
        java.nio.channels.SocketChannel c = server.accept();
        if (path == null) {
            // every response is one write answered by the next command: never hold it back for an ACK
            try {
                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                Io.closeQuietly(c);
                throw e;
            }
        }
        return new ChannelConn(c);
    }

    @Override
    public int port() {
        try {
            return server.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Path path() { return path; }

    @Override
    public boolean isOpen() { return server.isOpen(); }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way worth reporting
        }
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the file may already be gone
            }
        }
    }

    static String rwx(int mode) {
        String all = "rwxrwxrwx";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 9; i++) s.append((mode & (0400 >> i)) != 0 ? all.charAt(i) : '-');
        return s.toString();
    }
}
