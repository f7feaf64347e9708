package dev.jtpm.server;

/** A command-line option that cannot be used; the message is one line meant for the user. */
public final class OptionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with a one-line message. */
    public OptionException(String message) {
        super(message);
    }
}
