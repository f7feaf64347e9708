package dev.jtpm.server;

/**
 * How long a data connection polls for the next command before it blocks in {@code read}.
 *
 * <p>Why: on a virtual machine's vCPUs (this project's benchmark machine: two, with the haltpoll idle driver
 * and no halt polling) a thread that blocks lets its vCPU halt, and waking it from the client's vCPU costs an
 * interrupt through the hypervisor: a loopback round trip took ≈ 48 µs with client and server on different
 * vCPUs against ≈ 19 µs on the same one, for jtpm and swtpm alike, and which of the two a run got was up to
 * the scheduler (docs/benchmarks.md, "Why the cheap rows were bimodal"). A server thread that keeps polling
 * for a short while after its response sees the next command of a busy client without being woken. It
 * yields between polls, so a client on the same CPU is not held up.
 *
 * <p>The cost is CPU time: at most this long per response that is not followed by a command within it.
 * System property {@code jtpm.data.spinMicros} (default {@value #DEFAULT_MICROS}; 0 turns polling off).
 */
final class ReadSpin {
    static final long DEFAULT_MICROS = 50;
    static final long NANOS = Math.max(0, Math.min(10_000, Long.getLong("jtpm.data.spinMicros", DEFAULT_MICROS))) * 1_000;

    private ReadSpin() {}
}
