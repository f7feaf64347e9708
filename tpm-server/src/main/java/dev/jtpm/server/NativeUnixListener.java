package dev.jtpm.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Unix socket listener built on {@link Posix}, whose connections can receive file descriptors:
 * what swtpm's {@code --ctrl type=unixio} needs for CMD_SET_DATAFD. The socket is non-blocking and a
 * waiting {@link #accept} parks on {@link AcceptPoller}, so it may run on a virtual thread.
 */
final class NativeUnixListener implements Acceptor {
    private final int fd;
    private final Path path;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private NativeUnixListener(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Binds {@code path}, replacing a stale socket file. */
    static NativeUnixListener bind(Path path, int mode) throws IOException {
        return bind(path, mode, SocketOwner.NONE);
    }

    /** Binds {@code path} with a mode and an owner, replacing a stale socket file. */
    static NativeUnixListener bind(Path path, int mode, SocketOwner owner) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
        }
        Path at = Listener.bindPath(path);
        if (!at.equals(path)) Files.deleteIfExists(at); // left by a killed process with the same pid
        int fd;
        try {
            fd = Posix.listenUnix(at.toString());
        } catch (IOException e) {
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        try {
            Listener.publish(at, path, mode, owner);
        } catch (IOException e) {
            Posix.close(fd);
            Files.deleteIfExists(at);
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        return new NativeUnixListener(fd, path);
    }

    @Override
    public Conn accept() throws IOException {
        while (true) {
            if (!open.get()) throw new IOException("listener closed");
            int c = Posix.acceptNow(fd);
            if (c >= 0) {
                if (!open.get()) {
                    Posix.close(c);
                    throw new IOException("listener closed");
                }
                return new NativeConn(c);
            }
            AcceptPoller.get().await(fd);
        }
    }

    @Override
    public int port() { return -1; }

    @Override
    public Path path() { return path; }

    @Override
    public boolean isOpen() { return open.get(); }

    @Override
    public boolean passesFds() { return true; }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) return;
        try {
            AcceptPoller.get().forget(fd);
        } catch (IOException ignored) {
            // no poller, nobody waits on it
        }
        Posix.shutdown(fd);
        Posix.close(fd);
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // already gone
        }
    }
}
