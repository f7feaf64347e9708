package dev.jtpm.types;

/** TPM_SE session types (Part 2, 6.11) and TPMA_SESSION bits (Part 2, 8.4). */
public final class TpmSe {
    private TpmSe() {}

    public static final int HMAC = 0x00, POLICY = 0x01, TRIAL = 0x03;

    /** TPMA_SESSION bits. */
    public static final int CONTINUE_SESSION = 0x01, AUDIT_EXCLUSIVE = 0x02, AUDIT_RESET = 0x04, DECRYPT = 0x20,
            ENCRYPT = 0x40, AUDIT = 0x80;
}
