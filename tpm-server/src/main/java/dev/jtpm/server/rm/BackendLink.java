package dev.jtpm.server.rm;

import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.wire.BigEndian;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The resource manager's one connection to its backend TPM: opened on first use, closed on any transport failure and
 * opened again for the next exchange (what the backend had loaded is gone with a restarted backend; what it still
 * has from a lost connection is flushed on reconnect, see {@link ResourceManager}). An exchange that takes longer than
 * the timeout closes the transport from a watchdog thread, so a hung backend becomes an IOException, never a hang.
 * Not thread-safe: the RM's lock serializes every use.
 */
final class BackendLink implements AutoCloseable {
    /** Opens a fresh backend. */
    @FunctionalInterface
    interface Opener {
        Backend open() throws IOException;
    }

    private final Opener opener;
    private final String description;
    private final long timeoutNanos;
    private final ServerLog log;
    private volatile Backend backend;
    private volatile long exchangeStarted; // 0: idle
    private volatile boolean closed;
    private final Thread watchdog;
    private boolean fresh;

    BackendLink(Opener opener, String description, long timeoutMillis, ServerLog log) {
        this.opener = opener;
        this.description = description;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.log = log;
        this.watchdog = Thread.ofVirtual().name("jtpm-rm-watchdog").start(this::watch);
    }

    static BackendLink of(BackendSpec spec, long timeoutMillis, ServerLog log) {
        return new BackendLink(spec::open, spec.describe(), timeoutMillis, log);
    }

    /** Wraps an already open backend (tests); it is reopened with {@code reopen} after a failure. */
    static BackendLink over(Backend first, Supplier<Backend> reopen, long timeoutMillis) {
        boolean[] used = {false};
        BackendLink l = new BackendLink(() -> {
            if (!used[0]) {
                used[0] = true;
                return first;
            }
            return reopen.get();
        }, first.describe(), timeoutMillis, ServerLog.NONE);
        return l;
    }

    String describe() { return description; }

    /**
     * True once after the backend was (re)opened: the caller then clears what a previous RM or connection left loaded.
     */
    boolean takeFresh() {
        boolean f = fresh;
        fresh = false;
        return f;
    }

    /** Opens the backend if it is not open. */
    void ensureOpen() throws IOException {
        if (closed) throw new IOException("resource manager closed");
        if (backend == null) {
            backend = opener.open();
            fresh = true;
            log.info("jtpm rm: backend " + description + " open");
        }
    }

    /** One command, one response; a transport failure or a malformed response closes the backend and throws. */
    byte[] exchange(byte[] command, int locality) throws IOException {
        ensureOpen();
        Backend b = backend;
        exchangeStarted = System.nanoTime() | 1;
        try {
            byte[] rsp = b.execute(command, locality);
            if (rsp == null || rsp.length < 10 || BigEndian.u32(rsp, 2) != rsp.length) {
                throw new IOException("malformed response from " + description);
            }
            return rsp;
        } catch (IOException | RuntimeException e) {
            drop();
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        } finally {
            exchangeStarted = 0;
        }
    }

    /** Asks the backend to cancel its command in progress. */
    boolean cancel() {
        Backend b = backend;
        return b != null && b.cancel();
    }

    private void drop() {
        Backend b = backend;
        backend = null;
        if (b != null) {
            try {
                b.close();
            } catch (IOException | RuntimeException ignored) {
                // the failure that brought us here is the one reported
            }
        }
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long started = exchangeStarted;
            if (started != 0 && System.nanoTime() - started > timeoutNanos) {
                log.error("jtpm rm: backend " + description + " did not answer within " + timeoutNanos / 1_000_000
                        + " ms; closing it");
                Backend b = backend;
                if (b != null) {
                    try {
                        b.close();
                    } catch (IOException | RuntimeException ignored) {
                        // the blocked exchange now fails and reports
                    }
                }
                exchangeStarted = 0;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        drop();
    }
}
