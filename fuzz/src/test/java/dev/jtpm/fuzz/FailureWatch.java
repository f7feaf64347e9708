package dev.jtpm.fuzz;

import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Catches what the engine logs when it enters failure mode (an unexpected exception, caught by {@code TpmCore} and
 * logged at SEVERE) on any thread, so a fuzz target can rethrow the original exception and Jazzer sees its stack
 * trace. Jazzer runs one input at a time, so one slot serves all threads. Also catches uncaught exceptions of
 * server threads.
 */
public final class FailureWatch extends Handler {
    private static final Logger JTPM = Logger.getLogger("dev.jtpm");
    private static final FailureWatch INSTANCE = new FailureWatch();

    static {
        JTPM.addHandler(INSTANCE);
        JTPM.setUseParentHandlers(false);  // millions of inputs: keep the console for Jazzer's own lines
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> INSTANCE.record(e));
    }

    private final AtomicReference<Throwable> caught = new AtomicReference<>();

    private FailureWatch() {}

    /** Forgets what was caught. */
    public static void reset() { INSTANCE.caught.set(null); }

    /** Throws, as an AssertionError with it as cause, an exception caught since {@link #reset}. */
    public static void check(String what) {
        Throwable t = INSTANCE.caught.getAndSet(null);
        if (t != null) throw new AssertionError("an unexpected exception (failure mode or a dead thread) after " + what, t);
    }

    private void record(Throwable t) { caught.compareAndSet(null, t); }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            record(r.getThrown() != null ? r.getThrown() : new IllegalStateException(r.getMessage()));
        }
    }

    @Override public void flush() {}

    @Override public void close() {}
}
