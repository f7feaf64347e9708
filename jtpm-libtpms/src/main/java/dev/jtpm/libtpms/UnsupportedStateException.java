package dev.jtpm.libtpms;

/** A libtpms state this reader cannot take over: malformed, of an unknown version, or with content jtpm cannot follow. */
public final class UnsupportedStateException extends Exception {
    public UnsupportedStateException(String message) { super(message); }
}
