package dev.jtpm.server;

import java.io.IOException;

/** The state storage is locked by another server (or another store in this JVM). */
public final class StateLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with a one-line message naming the lock file. */
    public StateLockedException(String message) {
        super(message);
    }
}
