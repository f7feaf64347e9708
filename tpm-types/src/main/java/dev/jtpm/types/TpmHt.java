package dev.jtpm.types;

/** TPM_HT handle types (Part 2, 7.2): the top octet of a handle. */
public final class TpmHt {
    private TpmHt() {}

    public static final int PCR = 0x00, NV_INDEX = 0x01, HMAC_SESSION = 0x02, POLICY_SESSION = 0x03,
            PERMANENT = 0x40, TRANSIENT = 0x80, PERSISTENT = 0x81, AC = 0x90;

    /** In TPM_CAP_HANDLES: 0x02 lists the loaded sessions (HMAC and policy), 0x03 the saved ones (Part 2, 7.2). */
    public static final int LOADED_SESSION = HMAC_SESSION, SAVED_SESSION = POLICY_SESSION;

    /** The handle type of {@code handle}. */
    public static int of(int handle) { return handle >>> 24; }
}
