package dev.jtpm.tpm12;

/** A command ends with a TPM_RESULT: thrown by validation, caught only by the pipeline ({@link Tpm12Core}). */
final class Tpm12Failure extends RuntimeException {
    private final int rc;

    Tpm12Failure(int rc) {
        super(null, null, false, false);
        this.rc = rc;
    }

    int rc() { return rc; }

    @Override
    public String getMessage() { return "TPM_RESULT 0x" + Integer.toHexString(rc); }
}
