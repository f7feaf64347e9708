package dev.jtpm.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Runs an action once a time limit passes unless cancelled first (a virtual thread sleeps it out). */
final class Deadline {
    private static final int PENDING = 0, CANCELLED = 1, FIRED = 2;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final Thread timer;

    private Deadline(long millis, Runnable onExpiry) {
        timer = Thread.ofVirtual().name("jtpm-deadline").start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            if (state.compareAndSet(PENDING, FIRED)) onExpiry.run();
        });
    }

    static Deadline start(long millis, Runnable onExpiry) { return new Deadline(millis, onExpiry); }

    /** Cancels; false when the action already ran. */
    boolean cancel() {
        boolean ok = state.compareAndSet(PENDING, CANCELLED);
        timer.interrupt();
        return ok;
    }
}
