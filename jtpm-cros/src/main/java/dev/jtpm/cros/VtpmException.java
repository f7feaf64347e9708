package dev.jtpm.cros;

/** A vtpm-level failure carrying the bare TPM_RC that the guest receives as a header-only response. */
final class VtpmException extends Exception {
    private final int rc;

    VtpmException(int rc) {
        super(String.format("TPM_RC 0x%X", rc), null, false, false);
        this.rc = rc;
    }

    VtpmException(int rc, String message) {
        super(message, null, false, false);
        this.rc = rc;
    }

    /** The response code. */
    int rc() { return rc; }
}
