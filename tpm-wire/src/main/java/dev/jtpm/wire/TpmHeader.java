package dev.jtpm.wire;

/**
 * The 10-byte header of every TPM 2.0 command and response (Part 1, 18.2): tag, size, and the
 * command code or response code.
 *
 * @param tag TPM_ST_NO_SESSIONS (0x8001), TPM_ST_SESSIONS (0x8002) or, for TPM 1.2, 0x00C1..0x00C4
 * @param size the total size in bytes, header included
 * @param code the TPM_CC of a command or the TPM_RC of a response
 */
public record TpmHeader(int tag, int size, int code) {
    /** The header length. */
    public static final int SIZE = 10;
    /** TPM_ST_NO_SESSIONS. */
    public static final int ST_NO_SESSIONS = 0x8001;
    /** TPM_ST_SESSIONS. */
    public static final int ST_SESSIONS = 0x8002;
    /** The largest command or response a TPM 2.0 here accepts (swtpm's default buffer size). */
    public static final int MAX_COMMAND_SIZE = 4096;
    /** TPM_RC_SUCCESS. */
    public static final int RC_SUCCESS = 0x000;
    /** TPM_RC_INITIALIZE: the TPM has not had TPM2_Startup. */
    public static final int RC_INITIALIZE = 0x100;
    /** TPM_RC_FAILURE: the answer of a TPM that is not running (or in failure mode). */
    public static final int RC_FAILURE = 0x101;
    /** TPM_RC_COMMAND_SIZE: the size field disagrees with the bytes received. */
    public static final int RC_COMMAND_SIZE = 0x142;
    /** TPM2_CC_Startup. */
    public static final int CC_STARTUP = 0x144;
    /** TPM2_CC_Shutdown. */
    public static final int CC_SHUTDOWN = 0x145;
    /** TPM_SU_CLEAR. */
    public static final int SU_CLEAR = 0x0000;
    /** TPM_SU_STATE. */
    public static final int SU_STATE = 0x0001;

    /** Reads the header at the start of {@code bytes} (which must hold at least 10 bytes). */
    public static TpmHeader parse(byte[] bytes) {
        if (bytes.length < SIZE) throw new IllegalArgumentException("a TPM header needs 10 bytes, got " + bytes.length);
        return new TpmHeader(BigEndian.u16(bytes, 0), BigEndian.u32(bytes, 2), BigEndian.u32(bytes, 6));
    }

    /** The response code of a complete response, or -1 if it is shorter than a header. */
    public static int responseCode(byte[] response) {
        return response.length < SIZE ? -1 : BigEndian.u32(response, 6);
    }

    /** The 10-byte header-only response {@code 80 01 00 00 00 0a <rc>}. */
    public static byte[] errorResponse(int rc) {
        byte[] b = new byte[SIZE];
        BigEndian.put16(b, 0, ST_NO_SESSIONS);
        BigEndian.put32(b, 2, SIZE);
        BigEndian.put32(b, 6, rc);
        return b;
    }

    /** TPM2_Startup(startupType) without sessions. */
    public static byte[] startup(int startupType) {
        return su(CC_STARTUP, startupType);
    }

    /** TPM2_Shutdown(shutdownType) without sessions. */
    public static byte[] shutdown(int shutdownType) {
        return su(CC_SHUTDOWN, shutdownType);
    }

    private static byte[] su(int cc, int su) {
        byte[] b = new byte[12];
        BigEndian.put16(b, 0, ST_NO_SESSIONS);
        BigEndian.put32(b, 2, 12);
        BigEndian.put32(b, 6, cc);
        BigEndian.put16(b, 10, su);
        return b;
    }
}
