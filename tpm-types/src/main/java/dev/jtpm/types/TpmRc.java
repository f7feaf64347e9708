package dev.jtpm.types;

/**
 * A TPM_RC response code (Part 2, 6.6) as a value type. Format-one codes (bit 7 set) may carry the
 * index of the handle, parameter or session they refer to; {@link #base()} strips it and
 * {@link #is(TpmRc)} compares ignoring it.
 *
 * @param value the 32-bit code as it travels on the wire
 */
public record TpmRc(int value) {
    private static final int RC_FMT1 = 0x080, RC_VER1 = 0x100, RC_WARN = 0x900;
    private static final int RC_P = 0x040, RC_S = 0x800;

    public static final TpmRc SUCCESS = new TpmRc(0x000);
    public static final TpmRc BAD_TAG = new TpmRc(0x01E);

    // format zero (RC_VER1 + n)
    public static final TpmRc INITIALIZE = new TpmRc(RC_VER1);
    public static final TpmRc FAILURE = new TpmRc(RC_VER1 + 0x001);
    public static final TpmRc SEQUENCE = new TpmRc(RC_VER1 + 0x003);
    public static final TpmRc PRIVATE = new TpmRc(RC_VER1 + 0x00B);
    public static final TpmRc HMAC = new TpmRc(RC_VER1 + 0x019);
    public static final TpmRc DISABLED = new TpmRc(RC_VER1 + 0x020);
    public static final TpmRc EXCLUSIVE = new TpmRc(RC_VER1 + 0x021);
    public static final TpmRc AUTH_TYPE = new TpmRc(RC_VER1 + 0x024);
    public static final TpmRc AUTH_MISSING = new TpmRc(RC_VER1 + 0x025);
    public static final TpmRc POLICY = new TpmRc(RC_VER1 + 0x026);
    public static final TpmRc PCR = new TpmRc(RC_VER1 + 0x027);
    public static final TpmRc PCR_CHANGED = new TpmRc(RC_VER1 + 0x028);
    public static final TpmRc UPGRADE = new TpmRc(RC_VER1 + 0x02D);
    public static final TpmRc TOO_MANY_CONTEXTS = new TpmRc(RC_VER1 + 0x02E);
    public static final TpmRc AUTH_UNAVAILABLE = new TpmRc(RC_VER1 + 0x02F);
    public static final TpmRc REBOOT = new TpmRc(RC_VER1 + 0x030);
    public static final TpmRc UNBALANCED = new TpmRc(RC_VER1 + 0x031);
    public static final TpmRc COMMAND_SIZE = new TpmRc(RC_VER1 + 0x042);
    public static final TpmRc COMMAND_CODE = new TpmRc(RC_VER1 + 0x043);
    public static final TpmRc AUTHSIZE = new TpmRc(RC_VER1 + 0x044);
    public static final TpmRc AUTH_CONTEXT = new TpmRc(RC_VER1 + 0x045);
    public static final TpmRc NV_RANGE = new TpmRc(RC_VER1 + 0x046);
    public static final TpmRc NV_SIZE = new TpmRc(RC_VER1 + 0x047);
    public static final TpmRc NV_LOCKED = new TpmRc(RC_VER1 + 0x048);
    public static final TpmRc NV_AUTHORIZATION = new TpmRc(RC_VER1 + 0x049);
    public static final TpmRc NV_UNINITIALIZED = new TpmRc(RC_VER1 + 0x04A);
    public static final TpmRc NV_SPACE = new TpmRc(RC_VER1 + 0x04B);
    public static final TpmRc NV_DEFINED = new TpmRc(RC_VER1 + 0x04C);
    public static final TpmRc BAD_CONTEXT = new TpmRc(RC_VER1 + 0x050);
    public static final TpmRc CPHASH = new TpmRc(RC_VER1 + 0x051);
    public static final TpmRc PARENT = new TpmRc(RC_VER1 + 0x052);
    public static final TpmRc NEEDS_TEST = new TpmRc(RC_VER1 + 0x053);
    public static final TpmRc NO_RESULT = new TpmRc(RC_VER1 + 0x054);
    public static final TpmRc SENSITIVE = new TpmRc(RC_VER1 + 0x055);

    // format one (RC_FMT1 + n)
    public static final TpmRc ASYMMETRIC = new TpmRc(RC_FMT1 + 0x001);
    public static final TpmRc ATTRIBUTES = new TpmRc(RC_FMT1 + 0x002);
    public static final TpmRc HASH = new TpmRc(RC_FMT1 + 0x003);
    public static final TpmRc VALUE = new TpmRc(RC_FMT1 + 0x004);
    public static final TpmRc HIERARCHY = new TpmRc(RC_FMT1 + 0x005);
    public static final TpmRc KEY_SIZE = new TpmRc(RC_FMT1 + 0x007);
    public static final TpmRc MGF = new TpmRc(RC_FMT1 + 0x008);
    public static final TpmRc MODE = new TpmRc(RC_FMT1 + 0x009);
    public static final TpmRc TYPE = new TpmRc(RC_FMT1 + 0x00A);
    public static final TpmRc HANDLE = new TpmRc(RC_FMT1 + 0x00B);
    public static final TpmRc KDF = new TpmRc(RC_FMT1 + 0x00C);
    public static final TpmRc RANGE = new TpmRc(RC_FMT1 + 0x00D);
    public static final TpmRc AUTH_FAIL = new TpmRc(RC_FMT1 + 0x00E);
    public static final TpmRc NONCE = new TpmRc(RC_FMT1 + 0x00F);
    public static final TpmRc PP = new TpmRc(RC_FMT1 + 0x010);
    public static final TpmRc SCHEME = new TpmRc(RC_FMT1 + 0x012);
    public static final TpmRc SIZE = new TpmRc(RC_FMT1 + 0x015);
    public static final TpmRc SYMMETRIC = new TpmRc(RC_FMT1 + 0x016);
    public static final TpmRc TAG = new TpmRc(RC_FMT1 + 0x017);
    public static final TpmRc SELECTOR = new TpmRc(RC_FMT1 + 0x018);
    public static final TpmRc INSUFFICIENT = new TpmRc(RC_FMT1 + 0x01A);
    public static final TpmRc SIGNATURE = new TpmRc(RC_FMT1 + 0x01B);
    public static final TpmRc KEY = new TpmRc(RC_FMT1 + 0x01C);
    public static final TpmRc POLICY_FAIL = new TpmRc(RC_FMT1 + 0x01D);
    public static final TpmRc INTEGRITY = new TpmRc(RC_FMT1 + 0x01F);
    public static final TpmRc TICKET = new TpmRc(RC_FMT1 + 0x020);
    public static final TpmRc RESERVED_BITS = new TpmRc(RC_FMT1 + 0x021);
    public static final TpmRc BAD_AUTH = new TpmRc(RC_FMT1 + 0x022);
    public static final TpmRc EXPIRED = new TpmRc(RC_FMT1 + 0x023);
    public static final TpmRc POLICY_CC = new TpmRc(RC_FMT1 + 0x024);
    public static final TpmRc BINDING = new TpmRc(RC_FMT1 + 0x025);
    public static final TpmRc CURVE = new TpmRc(RC_FMT1 + 0x026);
    public static final TpmRc ECC_POINT = new TpmRc(RC_FMT1 + 0x027);

    // warnings (RC_WARN + n)
    public static final TpmRc CONTEXT_GAP = new TpmRc(RC_WARN + 0x001);
    public static final TpmRc OBJECT_MEMORY = new TpmRc(RC_WARN + 0x002);
    public static final TpmRc SESSION_MEMORY = new TpmRc(RC_WARN + 0x003);
    public static final TpmRc MEMORY = new TpmRc(RC_WARN + 0x004);
    public static final TpmRc SESSION_HANDLES = new TpmRc(RC_WARN + 0x005);
    public static final TpmRc OBJECT_HANDLES = new TpmRc(RC_WARN + 0x006);
    public static final TpmRc LOCALITY = new TpmRc(RC_WARN + 0x007);
    public static final TpmRc YIELDED = new TpmRc(RC_WARN + 0x008);
    public static final TpmRc CANCELED = new TpmRc(RC_WARN + 0x009);
    public static final TpmRc TESTING = new TpmRc(RC_WARN + 0x00A);
    public static final TpmRc REFERENCE_H0 = new TpmRc(RC_WARN + 0x010);
    public static final TpmRc REFERENCE_S0 = new TpmRc(RC_WARN + 0x018);
    public static final TpmRc NV_RATE = new TpmRc(RC_WARN + 0x020);
    public static final TpmRc LOCKOUT = new TpmRc(RC_WARN + 0x021);
    public static final TpmRc RETRY = new TpmRc(RC_WARN + 0x022);
    public static final TpmRc NV_UNAVAILABLE = new TpmRc(RC_WARN + 0x023);

    /** True for format-one codes (those that can carry an index). */
    public boolean isFormatOne() { return (value & RC_FMT1) != 0; }

    /** The code without its handle/parameter/session index. */
    public TpmRc base() { return isFormatOne() ? new TpmRc(value & 0xBF) : this; }

    /** True when the codes are equal ignoring any index. */
    public boolean is(TpmRc other) { return base().value == other.base().value; }

    /** True when this code already carries an index. */
    public boolean hasIndex() { return isFormatOne() && (value & 0xF40) != 0; }

    /** This format-one code for parameter {@code n} (1..15); other codes unchanged. */
    public TpmRc atParameter(int n) { return isFormatOne() ? new TpmRc((value & 0xBF) | RC_P | (n & 0xF) << 8) : this; }

    /** This format-one code for handle {@code n} (1..7); other codes unchanged. */
    public TpmRc atHandle(int n) { return isFormatOne() ? new TpmRc((value & 0xBF) | (n & 0x7) << 8) : this; }

    /** This format-one code for session {@code n} (1..7); other codes unchanged. */
    public TpmRc atSession(int n) { return isFormatOne() ? new TpmRc((value & 0xBF) | RC_S | (n & 0x7) << 8) : this; }

    /** The parameter number (1..15) this code refers to, or 0. */
    public int parameter() { return isFormatOne() && (value & RC_P) != 0 ? (value >>> 8) & 0xF : 0; }

    /** The handle number (1..7) this code refers to, or 0. */
    public int handle() { return isFormatOne() && (value & RC_P) == 0 && (value & RC_S) == 0 ? (value >>> 8) & 0x7 : 0; }

    /** The session number (1..7) this code refers to, or 0. */
    public int session() { return isFormatOne() && (value & RC_P) == 0 && (value & RC_S) != 0 ? (value >>> 8) & 0x7 : 0; }

    @Override public String toString() { return String.format("TPM_RC(0x%03X)", value); }
}
