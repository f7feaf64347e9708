package dev.jtpm.server.connect;

import dev.jtpm.tss.tls.TlsClient;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * One upstream TLS data connection per local client process, so that a remote {@code jtpm rm} sees one connection —
 * one space — per process even though tpm2-tss' swtpm TCTI opens a local connection per command. Commands of one
 * process are exchanged one at a time (a TPM exchange is strictly request/response) and each response goes back to
 * the caller that sent the command. The upstream is opened with the process's first command and closed when the
 * process exits ({@link ProcessHandle#onExit()}), when it has been idle for the idle timeout, or when it fails.
 */
final class ProcessUpstreams implements AutoCloseable {
    /** The largest response accepted from upstream (a TPM 2.0 response is at most a few KiB). */
    static final int MAX_FRAME = 1 << 16;

    private final TlsClient client;
    private final TlsForwarder.Remote remote;
    private final long idleNanos;
    private final Consumer<String> log;
    private final Map<Long, Upstream> byProcess = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /** @param idleMillis an upstream unused this long is closed; 0: only when its process exits */
    ProcessUpstreams(TlsClient client, TlsForwarder.Remote remote, long idleMillis, Consumer<String> log) {
        this.client = client;
        this.remote = remote;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.log = log;
        if (idleMillis > 0) {
            sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("jtpm-connect-idle").factory());
            long every = Math.max(100, Math.min(idleMillis / 4, 5_000));
            sweeper.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
        } else {
            sweeper = null;
        }
    }

    /** The live processes' pids (cheap candidates for the next peer lookup). */
    java.util.Set<Long> processes() { return byProcess.keySet(); }

    /** How many upstream connections are open (tests). */
    int openCount() {
        int n = 0;
        for (Upstream u : byProcess.values()) if (u.tls != null) n++;
        return n;
    }

    /**
     * The upstream of process {@code pid}, or null when the process is already gone (the caller then forwards its
     * connection on its own).
     */
    Upstream of(long pid) {
        Upstream u = byProcess.get(pid);
        if (u != null) return u;
        var process = ProcessHandle.of(pid);
        if (process.isEmpty()) return null;
        Upstream fresh = new Upstream(pid);
        u = byProcess.putIfAbsent(pid, fresh);
        if (u != null) return u;
        // our own process (a client in this JVM) ends with us: onExit is not allowed for it
        if (pid != ProcessHandle.current().pid()) process.get().onExit().thenRun(() -> fresh.end("exited"));
        return fresh;
    }

    private void closeIdle() {
        long now = System.nanoTime();
        for (Upstream u : byProcess.values()) {
            if (u.lock.tryLock()) {
                try {
                    if (u.tls != null && now - u.lastUsed >= idleNanos) {
                        log.accept("jtpm connect: upstream of process " + u.pid + " idle: closed");
                        u.disconnect();
                    }
                } finally {
                    u.lock.unlock();
                }
            }
        }
    }

    @Override
    public void close() {
        if (sweeper != null) sweeper.shutdownNow();
        for (Upstream u : byProcess.values()) u.end(null);
    }

    /** One client process's upstream connection. */
    final class Upstream {
        final long pid;
        private final ReentrantLock lock = new ReentrantLock(true);
        private volatile SSLSocket tls;
        private InputStream in;
        private OutputStream out;
        private long lastUsed = System.nanoTime();
        private volatile boolean ended;

        private Upstream(long pid) { this.pid = pid; }

        /**
         * Sends one command and returns its response, connecting first if needed. A failure closes the upstream (the
         * remote resource manager then flushes the process's space) and is thrown.
         */
        byte[] exchange(byte[] command) throws IOException {
            lock.lock();
            try {
                if (ended) throw new IOException("process " + pid + " has exited");
                if (tls == null) {
                    SSLSocket s = client.connect(remote.host(), remote.port());
                    tls = s;
                    in = s.getInputStream();
                    out = s.getOutputStream();
                    if (ended) { // exited while we connected
                        disconnect();
                        throw new IOException("process " + pid + " has exited");
                    }
                }
                try {
                    out.write(command);
                    out.flush();
                    byte[] rsp = readFrame(in);
                    if (rsp == null) throw new EOFException("the server closed the connection");
                    return rsp;
                } catch (IOException e) {
                    disconnect();
                    byProcess.remove(pid, this);
                    ended = true;
                    throw e;
                }
            } finally {
                lastUsed = System.nanoTime();
                lock.unlock();
            }
        }

        private void disconnect() {
            SSLSocket s = tls;
            tls = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already broken
                }
            }
        }

        /** The process exited (or the forwarder stops): the upstream is closed, not to be reopened. */
        private void end(String why) {
            ended = true;
            byProcess.remove(pid, this);
            boolean wasOpen = tls != null;
            disconnect(); // without the lock: an exchange of a dead process may be stuck
            if (why != null && wasOpen) log.accept("jtpm connect: process " + pid + " " + why + ": upstream closed");
        }
    }

    /**
     * Reads one TPM frame (tag, size, the rest), or null at a clean end of stream before it. A size below the
     * header's 10 bytes or above {@link #MAX_FRAME} is an error.
     */
    static byte[] readFrame(InputStream in) throws IOException {
        byte[] head = new byte[6];
        int got = in.readNBytes(head, 0, 6);
        if (got == 0) return null;
        if (got < 6) throw new EOFException("connection closed inside a TPM frame");
        int size = ((head[2] & 0xff) << 24) | ((head[3] & 0xff) << 16) | ((head[4] & 0xff) << 8) | (head[5] & 0xff);
        if (size < 10 || size > MAX_FRAME) throw new IOException("bad TPM frame size " + Integer.toUnsignedString(size));
        byte[] frame = new byte[size];
        System.arraycopy(head, 0, frame, 0, 6);
        if (in.readNBytes(frame, 6, size - 6) < size - 6) throw new EOFException("connection closed inside a TPM frame");
        return frame;
    }
}
