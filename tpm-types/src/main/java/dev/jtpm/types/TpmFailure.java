package dev.jtpm.types;

/**
 * The one unchecked exception the engine uses to reject a command: it carries the response code.
 * The dispatcher is its only catch site. Carries no stack trace (it is control flow, not a bug).
 */
public final class TpmFailure extends RuntimeException {
    private final TpmRc rc;

    public TpmFailure(TpmRc rc) {
        super(rc.toString(), null, false, false);
        this.rc = rc;
    }

    public TpmRc rc() { return rc; }
}
