package dev.jtpm.wire;

/**
 * The Microsoft simulator's TCP protocol codes ({@code TpmTcpProtocol.h}). The TPM port accepts
 * HASH_*, SEND_COMMAND, REMOTE_HANDSHAKE, SET_ALTERNATIVE_RESULT, SESSION_END and STOP; the
 * platform port (TPM port + 1) the others. Every integer is big-endian; most commands are
 * acknowledged with a 4-byte zero.
 */
public enum MssimCommand {
    SIGNAL_POWER_ON(1, false),
    SIGNAL_POWER_OFF(2, false),
    SIGNAL_PHYS_PRES_ON(3, false),
    SIGNAL_PHYS_PRES_OFF(4, false),
    SIGNAL_HASH_START(5, true),
    SIGNAL_HASH_DATA(6, true),
    SIGNAL_HASH_END(7, true),
    SEND_COMMAND(8, true),
    SIGNAL_CANCEL_ON(9, false),
    SIGNAL_CANCEL_OFF(10, false),
    SIGNAL_NV_ON(11, false),
    SIGNAL_NV_OFF(12, false),
    SIGNAL_KEY_CACHE_ON(13, false),
    SIGNAL_KEY_CACHE_OFF(14, false),
    REMOTE_HANDSHAKE(15, true),
    SET_ALTERNATIVE_RESULT(16, true),
    SIGNAL_RESET(17, false),
    SIGNAL_RESTART(18, false),
    SESSION_END(20, true),
    STOP(21, true),
    GET_COMMAND_RESPONSE_SIZES(25, false),
    ACT_GET_SIGNALED(26, false),
    TEST_FAILURE_MODE(30, false);

    /** The server version a REMOTE_HANDSHAKE answers. */
    public static final int SERVER_VERSION = 1;
    /** tpmPlatformAvailable. */
    public static final int FLAG_PLATFORM_AVAILABLE = 0x01;
    /** tpmInRawMode. */
    public static final int FLAG_IN_RAW_MODE = 0x04;
    /** tpmSupportsPP. */
    public static final int FLAG_SUPPORTS_PP = 0x08;
    /** The 4-byte acknowledgement of a platform command that failed (unknown code). */
    public static final int PLATFORM_NAK = 1;

    private final int code;
    private final boolean tpmPort;

    MssimCommand(int code, boolean tpmPort) {
        this.code = code;
        this.tpmPort = tpmPort;
    }

    /** The code on the wire. */
    public int code() { return code; }

    /** True for the commands the TPM port accepts (SESSION_END and STOP are accepted on both). */
    public boolean onTpmPort() { return tpmPort; }

    /** True for the commands the platform port accepts. */
    public boolean onPlatformPort() { return !tpmPort || this == SESSION_END || this == STOP; }

    /** The command for a code, or null. */
    public static MssimCommand of(int code) {
        for (MssimCommand c : values()) if (c.code == code) return c;
        return null;
    }
}
