package dev.jtpm.server.connect;

import dev.jtpm.server.PeerProcess;
import dev.jtpm.tss.tls.TlsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * {@code jtpm connect}: plain local swtpm-protocol endpoints — a data listener and a control listener — forwarded over
 * TLS 1.3 (client certificate presented, server certificate checked) to a remote jtpm's TLS data or control endpoint.
 * A local TCP data connection whose client process can be found ({@link PeerProcess}) sends its TPM 2.0 commands over
 * that process's one upstream connection ({@link ProcessUpstreams}): tpm2-tss' swtpm TCTI connects per command, and a
 * remote {@code jtpm rm} keeps one space per connection. Every other connection (control, Unix socket, a process not
 * found, a frame that is not TPM 2.0) is forwarded over its own TLS connection, bytes unchanged both ways; either side
 * closing ends the pair (half-closes are passed on). Each connection is pumped by two platform threads: a TPM exchange is a strict ping-pong
 * of small messages, where a virtual thread's park and unpark per read would add to every command's latency.
 */
public final class TlsForwarder implements AutoCloseable {

    /** Where the local plain endpoints listen. */
    public sealed interface Local {
        /** TCP: data on {@code port}, control on {@code port + 1} (tpm2-tss' swtpm TCTI); port 0 picks a free pair. */
        record Tcp(String bindAddr, int port) implements Local {}

        /** Unix sockets: data at {@code path}, control at {@code path + ".ctrl"}. */
        record Unix(Path path) implements Local {}
    }

    /** A remote TLS endpoint. */
    public record Remote(String host, int port) {
        @Override public String toString() { return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port; }
    }

    private static final int BUFFER = 8192;
    /** Default for {@code idleMillis}: a process's upstream unused this long is closed (its remote space with it). */
    public static final long DEFAULT_IDLE_MILLIS = 300_000;

    private final TlsClient client;
    private final List<ServerSocketChannel> listeners;
    private final List<Path> socketFiles;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("jtpm-connect-", 0).factory());
    private final Consumer<String> log;
    private final ProcessUpstreams upstreams;
    private volatile boolean closed;

    private TlsForwarder(TlsClient client, List<ServerSocketChannel> listeners, List<Path> socketFiles, Consumer<String> log,
                         ProcessUpstreams upstreams) {
        this.client = client;
        this.upstreams = upstreams;
        this.listeners = listeners;
        this.socketFiles = socketFiles;
        this.log = log;
    }

    /**
     * Binds the local listeners and starts forwarding: the local data endpoint to {@code data}, the control one to
     * {@code ctrl}.
     *
     * @param log told about connections that fail (one line each)
     */
    public static TlsForwarder start(Local local, Remote data, Remote ctrl, TlsClient client, Consumer<String> log)
            throws IOException {
        return start(local, data, ctrl, client, true, DEFAULT_IDLE_MILLIS, log);
    }

    /**
     * As {@link #start(Local, Remote, Remote, TlsClient, Consumer)}; {@code perProcess} false forwards every local
     * connection over its own TLS connection, true gives each client process found one upstream data connection,
     * closed after {@code idleMillis} unused (0: only when the process exits).
     */
    public static TlsForwarder start(Local local, Remote data, Remote ctrl, TlsClient client, boolean perProcess,
                                     long idleMillis, Consumer<String> log) throws IOException {
        ServerSocketChannel d = null, c = null;
        List<Path> files = List.of();
        try {
            switch (local) {
                case Local.Tcp t when t.port() == 0 -> { // two free ports, the second one after the first
                    IOException last = null;
                    for (int attempt = 0; attempt < 20 && c == null; attempt++) {
                        d = tcp(t.bindAddr(), 0);
                        try {
                            c = tcp(t.bindAddr(), ((InetSocketAddress) d.getLocalAddress()).getPort() + 1);
                        } catch (IOException e) {
                            d.close();
                            d = null;
                            last = e;
                        }
                    }
                    if (c == null) throw last;
                }
                case Local.Tcp t -> {
                    d = tcp(t.bindAddr(), t.port());
                    c = tcp(t.bindAddr(), t.port() + 1);
                }
                case Local.Unix u -> {
                    Path ctrlPath = Path.of(u.path() + ".ctrl");
                    d = unix(u.path());
                    files = List.of(u.path());
                    c = unix(ctrlPath);
                    files = List.of(u.path(), ctrlPath);
                }
            }
        } catch (IOException e) {
            if (d != null) d.close();
            for (Path f : files) Files.deleteIfExists(f);
            throw e;
        }
        TlsForwarder f = new TlsForwarder(client, List.of(d, c), files, log,
                perProcess ? new ProcessUpstreams(client, data, idleMillis, log) : null);
        f.acceptLoop(d, data, true);
        f.acceptLoop(c, ctrl, false);
        return f;
    }

    private static ServerSocketChannel tcp(String bindAddr, int port) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(bindAddr, port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + bindAddr + ":" + port + ": " + e.getMessage(), e);
        }
        return s;
    }

    private static ServerSocketChannel unix(Path path) throws IOException {
        java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        if (Files.exists(path, nofollow) && !Files.isRegularFile(path, nofollow) && !Files.isDirectory(path, nofollow)) {
            Files.delete(path); // a stale socket file
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(path), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** The bound local TCP data port, or -1 for Unix sockets. */
    public int localPort() {
        try {
            return listeners.getFirst().getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private void acceptLoop(ServerSocketChannel listener, Remote remote, boolean data) {
        Thread.ofVirtual().name("jtpm-connect-accept").start(() -> {
            while (listener.isOpen()) {
                SocketChannel local;
                try {
                    local = listener.accept();
                } catch (IOException e) {
                    if (listener.isOpen()) log.accept("jtpm connect: accept failed: " + e.getMessage());
                    return;
                }
                threads.execute(() -> {
                    if (data && upstreams != null) serveData(local, remote);
                    else forward(local, remote, null);
                });
            }
        });
    }

    /**
     * A local data connection: its commands go over its process's upstream when the process is found and the first
     * frame is TPM 2.0 (tag 0x8001 or 0x8002), otherwise it is forwarded on its own.
     */
    private void serveData(SocketChannel local, Remote remote) {
        long pid = -1;
        try {
            if (local.getRemoteAddress() instanceof InetSocketAddress peer
                    && local.getLocalAddress() instanceof InetSocketAddress me) {
                pid = PeerProcess.of(peer, me, upstreams.processes(), true);
            }
        } catch (IOException e) {
            pid = -1;
        }
        ProcessUpstreams.Upstream up;
        try {
            up = pid < 0 ? null : upstreams.of(pid);
        } catch (RuntimeException e) { // not expected; the connection still gets served
            log.accept("jtpm connect: process " + pid + ": " + e);
            up = null;
        }
        if (up == null) {
            forward(local, remote, null);
            return;
        }
        open.add(local);
        boolean handedOff = false;
        try {
            setNoDelay(local);
            InputStream in = Channels.newInputStream(local);
            byte[] tag = in.readNBytes(2);
            if (tag.length < 2) return;
            if (tag[0] != (byte) 0x80 || (tag[1] != 1 && tag[1] != 2)) { // not TPM 2.0: pass it on unchanged
                open.remove(local);
                handedOff = true;
                forward(local, remote, tag);
                return;
            }
            InputStream frames = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(tag), in);
            while (true) {
                byte[] command = ProcessUpstreams.readFrame(frames);
                if (command == null) break;
                ByteBuffer rsp = ByteBuffer.wrap(up.exchange(command));
                while (rsp.hasRemaining()) local.write(rsp);
            }
        } catch (IOException e) {
            if (!closed) log.accept("jtpm connect: " + remote + " (process " + pid + "): " + e.getMessage());
        } finally {
            if (!handedOff) {
                closeQuietly(local);
                open.remove(local);
            }
        }
    }

    private static void setNoDelay(SocketChannel local) {
        try {
            local.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // a Unix socket has no Nagle to turn off
        }
    }

    /**
     * Connects to {@code remote} for this local connection (on its own thread) and pumps both ways until both end;
     * {@code prefix}, when not null, was already read from the local connection and is sent first.
     */
    private void forward(SocketChannel local, Remote remote, byte[] prefix) {
        open.add(local);
        SSLSocket tls;
        try {
            setNoDelay(local);
            tls = client.connect(remote.host(), remote.port());
        } catch (IOException e) {
            log.accept("jtpm connect: " + remote + ": " + e.getMessage());
            closeQuietly(local);
            open.remove(local);
            return;
        }
        open.add(tls);
        try {
            InputStream tlsIn = tls.getInputStream();
            OutputStream tlsOut = tls.getOutputStream();
            var back = threads.submit(() -> pumpBack(tlsIn, local));
            if (prefix != null) {
                tlsOut.write(prefix);
                tlsOut.flush();
            }
            byte[] b = new byte[BUFFER];
            ByteBuffer view = ByteBuffer.wrap(b);
            while (true) {
                view.clear();
                int n = local.read(view);
                if (n < 0) break;
                tlsOut.write(b, 0, n);
                tlsOut.flush();
            }
            tls.shutdownOutput();
            back.get();
        } catch (Exception e) {
            if (!closed) log.accept("jtpm connect: " + remote + ": connection ended: " + e.getMessage());
        } finally {
            closeQuietly(tls);
            closeQuietly(local);
            open.remove(tls);
            open.remove(local);
        }
    }

    private static Void pumpBack(InputStream tlsIn, SocketChannel local) throws IOException {
        byte[] b = new byte[BUFFER];
        try {
            while (true) {
                int n = tlsIn.read(b);
                if (n < 0) break;
                ByteBuffer buf = ByteBuffer.wrap(b, 0, n);
                while (buf.hasRemaining()) local.write(buf);
            }
            local.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(local); // wakes the other direction
            throw e;
        }
        return null;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing what is already broken
        }
    }

    /** Stops listening, closes every forwarded connection and removes the Unix socket files. */
    @Override
    public void close() {
        closed = true;
        if (upstreams != null) upstreams.close();
        for (ServerSocketChannel l : listeners) closeQuietly(l);
        for (AutoCloseable c : open) closeQuietly(c);
        threads.shutdownNow();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
