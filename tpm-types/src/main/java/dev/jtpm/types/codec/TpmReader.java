package dev.jtpm.types.codec;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;

/**
 * Reads big-endian TPM values from a byte range. Running out of bytes throws
 * {@code TpmFailure(TPM_RC_INSUFFICIENT)}, as the unmarshalling code of Part 4 does.
 */
public final class TpmReader {
    private final byte[] buf;
    private int pos;
    private final int limit;

    public TpmReader(byte[] buf) { this(buf, 0, buf.length); }

    public TpmReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    public int position() { return pos; }

    public int remaining() { return limit - pos; }

    private void need(int n) {
        if (n < 0 || limit - pos < n) throw new TpmFailure(TpmRc.INSUFFICIENT);
    }

    public int u8() { need(1); return buf[pos++] & 0xFF; }

    public int u16() { need(2); int v = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF; pos += 2; return v; }

    public int u32() {
        need(4);
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
        pos += 4;
        return v;
    }

    public long u64() { long hi = u32() & 0xFFFFFFFFL; return hi << 32 | (u32() & 0xFFFFFFFFL); }

    public Bytes bytes(int n) { need(n); Bytes b = Bytes.of(buf, pos, n); pos += n; return b; }

    /** A reader over the next {@code n} bytes, which this reader skips. */
    public TpmReader slice(int n) { need(n); TpmReader r = new TpmReader(buf, pos, n); pos += n; return r; }

    /** Everything left. */
    public Bytes rest() { return bytes(remaining()); }
}
