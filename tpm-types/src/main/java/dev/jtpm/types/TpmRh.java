package dev.jtpm.types;

/** Permanent handles TPM_RH / TPM_RS (Part 2, 7.4) and handle ranges. */
public final class TpmRh {
    private TpmRh() {}

    public static final int SRK = 0x40000000, OWNER = 0x40000001, REVOKE = 0x40000002, TRANSPORT = 0x40000003,
            OPERATOR = 0x40000004, ADMIN = 0x40000005, EK = 0x40000006, NULL = 0x40000007, UNASSIGNED = 0x40000008,
            RS_PW = 0x40000009, LOCKOUT = 0x4000000A, ENDORSEMENT = 0x4000000B, PLATFORM = 0x4000000C,
            PLATFORM_NV = 0x4000000D;

    public static final int PCR_FIRST = 0x00000000, NV_INDEX_FIRST = 0x01000000, HMAC_SESSION_FIRST = 0x02000000,
            POLICY_SESSION_FIRST = 0x03000000, TRANSIENT_FIRST = 0x80000000, PERSISTENT_FIRST = 0x81000000,
            PLATFORM_PERSISTENT = 0x81800000;

    /** TPM_RH_AUTH_00 .. TPM_RH_AUTH_FF: the vendor authorization handles. */
    public static final int AUTH_00 = 0x40000010, AUTH_FF = 0x4000010F;

    /** The last PCR: PCR_FIRST + IMPLEMENTATION_PCR - 1, with the PC Client's 24 PCRs. */
    public static final int PCR_LAST = PCR_FIRST + 23;

    /** The last NV index handle. */
    public static final int NV_INDEX_LAST = 0x01FFFFFF;

    /**
     * The last transient object handle: TRANSIENT_FIRST + MAX_LOADED_OBJECTS - 1, with libtpms'
     * three object slots (an object's handle is its slot, as in ms-tpm-20-ref).
     */
    public static final int TRANSIENT_LAST = TRANSIENT_FIRST + 2;

    /** The last persistent object handle. */
    public static final int PERSISTENT_LAST = 0x81FFFFFF;

    /** True if {@code first <= handle <= last}, comparing handles as unsigned. */
    public static boolean inRange(int handle, int first, int last) {
        return Integer.compareUnsigned(handle, first) >= 0 && Integer.compareUnsigned(handle, last) <= 0;
    }
}
