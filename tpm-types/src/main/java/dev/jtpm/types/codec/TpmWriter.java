package dev.jtpm.types.codec;

import dev.jtpm.types.Bytes;
import java.util.Arrays;

/** Writes big-endian TPM values into a growing buffer. */
public final class TpmWriter {
    private byte[] buf;
    private int pos;

    public TpmWriter() { this(256); }

    public TpmWriter(int capacity) { buf = new byte[Math.max(16, capacity)]; }

    private void ensure(int n) {
        if (buf.length - pos < n) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }

    public int position() { return pos; }

    public TpmWriter u8(int v) { ensure(1); buf[pos++] = (byte) v; return this; }

    public TpmWriter u16(int v) { ensure(2); buf[pos++] = (byte) (v >>> 8); buf[pos++] = (byte) v; return this; }

    public TpmWriter u32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24); buf[pos++] = (byte) (v >>> 16); buf[pos++] = (byte) (v >>> 8); buf[pos++] = (byte) v;
        return this;
    }

    public TpmWriter u64(long v) { u32((int) (v >>> 32)); return u32((int) v); }

    public TpmWriter bytes(byte[] b) { return bytes(b, 0, b.length); }

    public TpmWriter bytes(byte[] b, int off, int len) { ensure(len); System.arraycopy(b, off, buf, pos, len); pos += len; return this; }

    public TpmWriter bytes(Bytes b) { return bytes(b.unsafeArray()); }

    /** The content of a secret, without a size (the array copy is cleared afterwards). */
    public TpmWriter secret(dev.jtpm.types.Secret s) {
        byte[] b = s.toArray();
        bytes(b);
        Arrays.fill(b, (byte) 0);
        return this;
    }

    /** A TPM2B: 16-bit size, then the bytes. */
    public TpmWriter sized(Bytes b) { u16(b.size()); return bytes(b); }

    /** Overwrites a 16-bit value written earlier at {@code at}. */
    public void patchU16(int at, int v) { buf[at] = (byte) (v >>> 8); buf[at + 1] = (byte) v; }

    /** Overwrites a 32-bit value written earlier at {@code at}. */
    public void patchU32(int at, int v) {
        buf[at] = (byte) (v >>> 24); buf[at + 1] = (byte) (v >>> 16); buf[at + 2] = (byte) (v >>> 8); buf[at + 3] = (byte) v;
    }

    public byte[] toByteArray() { return Arrays.copyOf(buf, pos); }
}
