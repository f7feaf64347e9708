package dev.jtpm.server;

import java.io.IOException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads that serve data connections (swtpm data channel, SET_DATAFD, mssim ports).
 *
 * <p>Why platform threads: a TPM data connection is a strict ping-pong of one small command and one
 * small response. On a virtual thread every read parks the continuation and the poller has to
 * unpark it onto a carrier thread: on loopback that handoff cost jtpm ≈ 20 µs per command, more than
 * the whole round trip to swtpm (see docs/benchmarks.md). A platform thread blocked in {@code read}
 * is woken by the kernel directly. Connections are few (QEMU holds exactly one per TPM), so a thread
 * each costs nothing.
 *
 * <p>Why a cached pool: tcti-swtpm (tpm2-tools) opens a connection per command; an idle thread is
 * reused for the next connection instead of creating one each time. Idle threads end after
 * {@link #KEEP_ALIVE_SECONDS}; all are daemons, so they never keep the JVM alive.
 *
 * <p>Waiting for a connection: by default a pooled platform thread waits in accept and serves the
 * connection it gets (no handoff: best for one TPM per process). A process hosting many TPMs
 * ({@code jtpm host}) calls {@link #acceptOnVirtualThreads()}: accepting then parks a virtual thread
 * and hands each connection to a pooled thread, so an idle TPM holds no platform thread.
 */
public final class ConnectionThreads {
    static final long KEEP_ALIVE_SECONDS = 60;

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(), Thread.ofPlatform().daemon().name("jtpm-conn-", 0).factory());

    private static volatile boolean virtualAccept;

    private ConnectionThreads() {}

    /** From now on, listeners of this process wait for connections on virtual threads (see the class comment). */
    public static void acceptOnVirtualThreads() {
        virtualAccept = true;
    }

    /**
     * Serves every connection {@code listener} accepts with {@code serve}, each on the pooled thread
     * that accepted it: as soon as a thread has accepted a connection it hands accepting on to
     * another pooled thread and serves the connection itself, so that a short connection
     * (tcti-swtpm's one per command) reaches the TPM without a thread handoff. Returns at once.
     *
     * @param acceptFailed told about an accept that failed while the listener was still open (the
     *     listener is then no longer served)
     */
    static void serveEach(String name, Acceptor listener, java.util.function.Consumer<Conn> serve,
            java.util.function.Consumer<IOException> acceptFailed) {
        if (virtualAccept) {
            Thread.ofVirtual().name(name + "-accept").start(() -> {
                while (listener.isOpen()) {
                    Conn c;
                    try {
                        c = listener.accept();
                    } catch (IOException e) {
                        if (listener.isOpen()) acceptFailed.accept(e);
                        return;
                    }
                    start(name, () -> serve.accept(c));
                }
            });
            return;
        }
        start(name, () -> acceptThenServe(name, listener, serve, acceptFailed));
    }

    private static void acceptThenServe(String name, Acceptor listener, java.util.function.Consumer<Conn> serve,
            java.util.function.Consumer<IOException> acceptFailed) {
        Conn c;
        try {
            c = listener.accept();
        } catch (IOException e) {
            if (listener.isOpen()) acceptFailed.accept(e);
            return;
        }
        start(name, () -> acceptThenServe(name, listener, serve, acceptFailed));
        serve.accept(c);
    }

    /** Runs {@code task} on a pooled platform thread named {@code name} while it runs. */
    static void start(String name, Runnable task) {
        POOL.execute(() -> {
            Thread t = Thread.currentThread();
            String idle = t.getName();
            t.setName(name);
            try {
                task.run();
            } finally {
                t.setName(idle);
                Thread.interrupted(); // a close() may have interrupted the task; do not leak that into the next one
            }
        });
    }
}
