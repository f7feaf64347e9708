package dev.jtpm.server;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * Whether and how long a data connection polls for the next command before it blocks in {@code read}: one instance
 * per connection, asked before each read.
 *
 * <p>Why poll: on a virtual machine's vCPUs (this project's benchmark machine: two, with the haltpoll idle driver
 * and no halt polling) waking a thread blocked on another vCPU costs an inter-processor interrupt through the
 * hypervisor, ≈ 15 µs: a loopback round trip took ≈ 48 µs with client and server on different vCPUs against
 * ≈ 19 µs on the same one, for jtpm and swtpm alike, and which of the two a run got was up to the scheduler
 * (docs/benchmarks.md, "Why the cheap rows were bimodal"). A server thread that keeps polling for a short while
 * after its response sees the next command of a busy client without being woken. It yields between polls, so a
 * client on the same CPU is not held up.
 *
 * <p>When: only on a connection whose last wait for a command was short (at most {@link #BUSY_FACTOR} times the
 * poll), so a client that sends a command now and then, or one command per connection (tcti-swtpm), never makes a
 * thread poll; and at most as many connections poll at once as there are CPUs less one, so polling never takes
 * the CPU the clients need (without that bound, many connection-per-command clients of {@code jtpm host} under
 * load made the pool grow and the p99 latency five times worse).
 *
 * <p>System property {@code jtpm.data.spinMicros}: the poll (default {@value #DEFAULT_MICROS} µs; 0 turns polling
 * off).
 */
final class ReadSpin {
    static final long DEFAULT_MICROS = 50;
    static final long NANOS = Math.max(0, Math.min(10_000, Long.getLong("jtpm.data.spinMicros", DEFAULT_MICROS))) * 1_000;
    static final int BUSY_FACTOR = 4;
    private static final Semaphore POLLERS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    private final java.util.function.LongSupplier clock;
    private final Semaphore pollers;
    private long lastWait = Long.MAX_VALUE;

    ReadSpin() { this(System::nanoTime, POLLERS); }

    /** With {@code clock} in place of {@link System#nanoTime} and its own poller bound (tests). */
    ReadSpin(java.util.function.LongSupplier clock, Semaphore pollers) {
        this.clock = clock;
        this.pollers = pollers;
    }

    /** Reads from {@code conn} as {@link Conn#read} does, polling first when this connection is busy and a poller is free. */
    int read(Conn conn, byte[] b, int off, int len) throws IOException {
        long start = clock.getAsLong();
        int n;
        if (NANOS > 0 && lastWait <= BUSY_FACTOR * NANOS && pollers.tryAcquire()) {
            try {
                n = conn.readSpinning(b, off, len, NANOS);
            } finally {
                pollers.release();
            }
        } else {
            n = conn.read(b, off, len);
        }
        lastWait = clock.getAsLong() - start;
        return n;
    }
}
