package dev.jtpm.wire;

/**
 * The TCG TPM_SEND_COMMAND envelope that swtpm accepts on its data channel and the Microsoft
 * simulator uses on its TPM port: {@code u32 8 | u8 locality | u32 size | command} in, and
 * {@code u32 size | response | u32 0} out.
 */
public final class SendCommandEnvelope {
    /** The TPM_SEND_COMMAND code. */
    public static final int TPM_SEND_COMMAND = 8;
    /** Bytes before the command: code, locality and size. */
    public static final int PREFIX_SIZE = 9;

    private SendCommandEnvelope() {}

    /** Wraps a command for sending at {@code locality}. */
    public static byte[] wrapCommand(int locality, byte[] command) {
        byte[] b = new byte[PREFIX_SIZE + command.length];
        BigEndian.put32(b, 0, TPM_SEND_COMMAND);
        b[4] = (byte) locality;
        BigEndian.put32(b, 5, command.length);
        System.arraycopy(command, 0, b, PREFIX_SIZE, command.length);
        return b;
    }

    /** Wraps a response: its size, the response, then the 4-byte zero acknowledgement. */
    public static byte[] wrapResponse(byte[] response) {
        byte[] b = new byte[4 + response.length + 4];
        BigEndian.put32(b, 0, response.length);
        System.arraycopy(response, 0, b, 4, response.length);
        return b;
    }

    /**
     * True when swtpm would take these first bytes for an envelope: the first two bytes are neither
     * 0x8001 nor 0x8002 and the first uint32 is 8. Needs at least 4 bytes.
     */
    public static boolean isEnvelope(byte[] first4) {
        int tag = BigEndian.u16(first4, 0);
        return tag != TpmHeader.ST_NO_SESSIONS && tag != TpmHeader.ST_SESSIONS
                && BigEndian.u32(first4, 0) == TPM_SEND_COMMAND;
    }
}
