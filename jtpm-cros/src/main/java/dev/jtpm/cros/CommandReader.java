package dev.jtpm.cros;

/**
 * A cursor over command bytes in the style of trunks' {@code Parse_*}: every short read is
 * {@link VtpmRc#INSUFFICIENT}, and {@link #parseHeader} is {@code RealCommandParser::ParseHeader}
 * (tag, then BAD_TAG, then size, then COMMAND_SIZE, then the command code).
 */
final class CommandReader {
    static final int ST_NO_SESSIONS = 0x8001, ST_SESSIONS = 0x8002;
    static final int HEADER_SIZE = 10;

    private final byte[] buf;
    private int pos;

    CommandReader(byte[] buf) { this.buf = buf; }

    /** A command header. */
    record Header(int tag, int size, int cc) {}

    /** Parses the 10-byte header of a whole command. */
    Header parseHeader() throws VtpmException {
        int tag = u16();
        if (tag != ST_SESSIONS && tag != ST_NO_SESSIONS) throw new VtpmException(VtpmRc.BAD_TAG);
        int size = u32();
        if (size != buf.length) throw new VtpmException(VtpmRc.COMMAND_SIZE);
        int cc = u32();
        return new Header(tag, size, cc);
    }

    /** Parses the header of {@code command}. */
    static Header header(byte[] command) throws VtpmException {
        return new CommandReader(command).parseHeader();
    }

    int position() { return pos; }

    int remaining() { return buf.length - pos; }

    int u8() throws VtpmException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int u16() throws VtpmException {
        need(2);
        int v = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF;
        pos += 2;
        return v;
    }

    int u32() throws VtpmException {
        need(4);
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
        pos += 4;
        return v;
    }

    byte[] bytes(int n) throws VtpmException {
        need(n);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** A TPM2B: u16 size, then that many bytes. */
    byte[] tpm2b() throws VtpmException { return bytes(u16()); }

    /** trunks' TPM2B_DIGEST-shaped buffers (TPM2B_NONCE, TPM2B_AUTH): 64 octets. */
    static final int DIGEST_BUFFER = 64;

    /** A TPM2B whose buffer holds {@code max} octets: a larger size is TPM_RC_INSUFFICIENT, as trunks' parsers say. */
    byte[] tpm2b(int max) throws VtpmException {
        int n = u16();
        if (n > max) throw new VtpmException(VtpmRc.INSUFFICIENT);
        return bytes(n);
    }

    void skip(int n) throws VtpmException {
        need(n);
        pos += n;
    }

    /** TPM_RC_SIZE when bytes are left. */
    void requireEnd() throws VtpmException {
        if (pos != buf.length) throw new VtpmException(VtpmRc.SIZE);
    }

    private void need(int n) throws VtpmException {
        if (n < 0 || buf.length - pos < n) throw new VtpmException(VtpmRc.INSUFFICIENT);
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
