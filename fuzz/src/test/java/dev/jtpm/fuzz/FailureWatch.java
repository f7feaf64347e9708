package dev.jtpm.fuzz;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Catches what the engine logs when it enters failure mode (an unexpected exception, caught by {@code TpmCore} and
 * logged at SEVERE), so a fuzz target can rethrow the original exception and Jazzer sees its stack trace.
 */
final class FailureWatch extends Handler {
    private static final Logger ENGINE = Logger.getLogger("dev.jtpm.engine");
    private static final FailureWatch INSTANCE = new FailureWatch();

    static {
        ENGINE.addHandler(INSTANCE);
        ENGINE.setUseParentHandlers(false);  // millions of inputs: keep the console for Jazzer's own lines
    }

    private final ThreadLocal<Throwable> caught = new ThreadLocal<>();

    private FailureWatch() {}

    /** Forgets what was caught on this thread. */
    static void reset() { INSTANCE.caught.remove(); }

    /** Throws, as an AssertionError with it as cause, an exception the engine caught on this thread since {@link #reset}. */
    static void check(String what) {
        Throwable t = INSTANCE.caught.get();
        if (t != null) {
            INSTANCE.caught.remove();
            throw new AssertionError("failure mode (an unexpected exception) after " + what, t);
        }
    }

    @Override
    public void publish(LogRecord r) {
        boolean failure = r.getLevel().intValue() >= Level.SEVERE.intValue()
                || r.getLevel().intValue() >= Level.WARNING.intValue() && r.getThrown() != null;
        if (failure && caught.get() == null) {
            caught.set(r.getThrown() != null ? r.getThrown() : new IllegalStateException(r.getMessage()));
        }
    }

    @Override public void flush() {}

    @Override public void close() {}
}
