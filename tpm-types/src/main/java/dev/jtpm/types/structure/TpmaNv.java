package dev.jtpm.types.structure;

/**
 * TPMA_NV (Part 2, 13.4) and TPM_NT (13.2): the attribute word of an NV index, kept as an {@code int} in
 * {@link TpmsNvPublic} (every bit, reserved ones too: a strict reader rejects them with
 * TPM_RC_RESERVED_BITS), with named bits and the index type in bits 4..7.
 */
public final class TpmaNv {
    private TpmaNv() {}

    public static final int PPWRITE = 1, OWNERWRITE = 1 << 1, AUTHWRITE = 1 << 2, POLICYWRITE = 1 << 3,
            POLICY_DELETE = 1 << 10, WRITELOCKED = 1 << 11, WRITEALL = 1 << 12, WRITEDEFINE = 1 << 13,
            WRITE_STCLEAR = 1 << 14, GLOBALLOCK = 1 << 15, PPREAD = 1 << 16, OWNERREAD = 1 << 17, AUTHREAD = 1 << 18,
            POLICYREAD = 1 << 19, NO_DA = 1 << 25, ORDERLY = 1 << 26, CLEAR_STCLEAR = 1 << 27, READLOCKED = 1 << 28,
            WRITTEN = 1 << 29, PLATFORMCREATE = 1 << 30, READ_STCLEAR = 1 << 31;
    /** Bits 8, 9 and 20..24 (libtpms TPMA_NV_RESERVED). */
    public static final int RESERVED = 0x00000300 | 0x01F00000;
    /** TPM_NT (bits 4..7). */
    public static final int NT_ORDINARY = 0, NT_COUNTER = 1, NT_BITS = 2, NT_EXTEND = 4, NT_PIN_FAIL = 8, NT_PIN_PASS = 9;
    /** MAX_NV_INDEX_SIZE and MAX_NV_BUFFER_SIZE of libtpms. */
    public static final int MAX_NV_INDEX_SIZE = 2048, MAX_NV_BUFFER_SIZE = 1024;

    /** The TPM_NT of the attributes. */
    public static int type(int attributes) { return (attributes >>> 4) & 0xF; }

    /** {@code attributes} with the TPM_NT {@code type}. */
    public static int withType(int attributes, int type) { return (attributes & ~0xF0) | (type << 4); }

    public static boolean is(int attributes, int bit) { return (attributes & bit) != 0; }

    /** Counter, bit field and PIN indices hold a UINT64. */
    public static boolean isCounter(int attributes) { return type(attributes) == NT_COUNTER; }

    public static boolean isPin(int attributes) {
        return type(attributes) == NT_PIN_FAIL || type(attributes) == NT_PIN_PASS;
    }
}
