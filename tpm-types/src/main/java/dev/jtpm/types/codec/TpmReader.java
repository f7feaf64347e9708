package dev.jtpm.types.codec;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
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
    private final boolean lenient;

    public TpmReader(byte[] buf) { this(buf, 0, buf.length); }

    public TpmReader(byte[] buf, int off, int len) { this(buf, off, len, false); }

    private TpmReader(byte[] buf, int off, int len, boolean lenient) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
        this.lenient = lenient;
    }

    /**
     * A reader that skips the TPMI_* interface checks ({@link Wire.Is}, {@link Tpmi}): structure,
     * sizes, list bounds and union selectors are still checked, but not whether an algorithm, key
     * size or curve is one this TPM implements. For decoding what another TPM produced, and for
     * testing structures whose algorithms are not implemented yet.
     */
    public static TpmReader lenient(byte[] buf) { return new TpmReader(buf, 0, buf.length, true); }

    /** True if TPMI_* interface checks are skipped (see {@link #lenient}). */
    public boolean isLenient() { return lenient; }

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

    /** The next {@code n} bytes as a {@link Secret} (one copy, no intermediate {@link Bytes}). */
    public Secret secret(int n) {
        need(n);
        byte[] tmp = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        Secret v = Secret.of(tmp);
        java.util.Arrays.fill(tmp, (byte) 0);
        pos += n;
        return v;
    }

    /** A reader over the next {@code n} bytes, which this reader skips. */
    public TpmReader slice(int n) { need(n); TpmReader r = new TpmReader(buf, pos, n, lenient); pos += n; return r; }

    /** Everything left. */
    public Bytes rest() { return bytes(remaining()); }
}
