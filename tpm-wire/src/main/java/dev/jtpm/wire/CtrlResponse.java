package dev.jtpm.wire;

/**
 * Encoders for swtpm control channel responses: only the {@code resp} part of each union, every
 * field big-endian, the first 4 bytes always {@code ptm_res}. An error is always the 4-byte result
 * alone, except for CMD_GET_STATEBLOB, which always sends its 16-byte header.
 */
public final class CtrlResponse {
    /** The size of the CMD_GET_STATEBLOB reply header. */
    public static final int STATEBLOB_HEADER = 16;
    /** The size of the CMD_GET_INFO reply header (result, totlength, length). */
    public static final int INFO_HEADER = 12;

    private CtrlResponse() {}

    /** A bare 4-byte result: every error reply, and the success reply of most commands. */
    public static byte[] result(int ptmResult) { return BigEndian.of32(ptmResult); }

    /** CMD_GET_CAPABILITY: result 0 and the PTM_CAP_* bits (the 8 bytes of 0.7.1's {@code htobe64(caps)}). */
    public static byte[] capability(int caps) { return twoWords(Ptm.TPM_SUCCESS, caps); }

    /** CMD_GET_TPMESTABLISHED: result 0, the bit, 3 pad bytes. */
    public static byte[] established(boolean bit) {
        byte[] b = new byte[8];
        b[4] = (byte) (bit ? 1 : 0);
        return b;
    }

    /** CMD_GET_CONFIG: result 0 and PTM_CONFIG_FLAG_* bits. */
    public static byte[] config(int flags) { return twoWords(Ptm.TPM_SUCCESS, flags); }

    /** CMD_SET_BUFFERSIZE: result 0, the buffer size in effect, the minimum and the maximum. */
    public static byte[] bufferSize(int size, int min, int max) {
        byte[] b = new byte[16];
        BigEndian.put32(b, 4, size);
        BigEndian.put32(b, 8, min);
        BigEndian.put32(b, 12, max);
        return b;
    }

    /**
     * CMD_GET_STATEBLOB over a socket: the 16-byte header {@code result, state_flags, totlength,
     * length} with {@code totlength == length == data.length}, then the data (sent only on success).
     */
    public static byte[] stateBlob(int ptmResult, int stateFlags, byte[] data) {
        int n = ptmResult == Ptm.TPM_SUCCESS ? data.length : 0;
        byte[] b = new byte[STATEBLOB_HEADER + n];
        BigEndian.put32(b, 0, ptmResult);
        BigEndian.put32(b, 4, stateFlags);
        BigEndian.put32(b, 8, n);
        BigEndian.put32(b, 12, n);
        System.arraycopy(data, 0, b, STATEBLOB_HEADER, n);
        return b;
    }

    /**
     * CMD_GET_INFO: result 0, the total length of the NUL-terminated JSON, the length of this part,
     * then the part.
     */
    public static byte[] info(int totLength, byte[] part) {
        byte[] b = new byte[INFO_HEADER + part.length];
        BigEndian.put32(b, 4, totLength);
        BigEndian.put32(b, 8, part.length);
        System.arraycopy(part, 0, b, INFO_HEADER, part.length);
        return b;
    }

    /**
     * The length of a successful reply's fixed part (for a client deciding how much to read after the
     * first 4 bytes); GET_STATEBLOB and GET_INFO are followed by {@code length} more bytes.
     */
    public static int successSize(CtrlCommand c) {
        return switch (c) {
            case GET_CAPABILITY, GET_TPMESTABLISHED, GET_CONFIG -> 8;
            case SET_BUFFERSIZE, GET_STATEBLOB -> 16;
            case GET_INFO -> INFO_HEADER;
            default -> 4;
        };
    }

    private static byte[] twoWords(int a, int b) {
        byte[] r = new byte[8];
        BigEndian.put32(r, 0, a);
        BigEndian.put32(r, 4, b);
        return r;
    }
}
