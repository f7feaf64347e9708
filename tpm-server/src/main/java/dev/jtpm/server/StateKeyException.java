package dev.jtpm.server;

import java.io.IOException;

/** A state file that cannot be read with the key given (none, wrong, tampered, or not encrypted). */
public final class StateKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    /** With a one-line message naming the file and the reason. */
    public StateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
