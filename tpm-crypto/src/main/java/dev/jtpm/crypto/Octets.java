package dev.jtpm.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/** Octet-string helpers shared by the classes of this package (big-endian, as the TPM marshals). */
final class Octets {
    private Octets() {}

    /** {@code v} big-endian in exactly {@code len} octets; {@link IllegalArgumentException} if it does not fit. */
    static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) return b;
        if (b.length == len + 1 && b[0] == 0) return Arrays.copyOfRange(b, 1, b.length);
        if (b.length > len) throw new IllegalArgumentException("value does not fit in " + len + " octets");
        byte[] r = new byte[len];
        System.arraycopy(b, 0, r, len - b.length, b.length);
        return r;
    }

    /** [v]32. */
    static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** [v]64. */
    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (56 - 8 * i));
        return b;
    }

    /** The UINT16 at {@code off}. */
    static int u16(byte[] b, int off) { return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF); }

    /** A TPM2B: [size]16 || b. */
    static byte[] sized(byte[] b) {
        if (b.length > 0xFFFF) throw new IllegalArgumentException("too large for a TPM2B");
        byte[] r = new byte[b.length + 2];
        r[0] = (byte) (b.length >>> 8);
        r[1] = (byte) b.length;
        System.arraycopy(b, 0, r, 2, b.length);
        return r;
    }

    /** a || b || …. */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }
}
