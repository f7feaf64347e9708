package dev.jtpm.wire;

/** Big-endian (network order) integer access on byte arrays: every framing here uses it. */
public final class BigEndian {
    private BigEndian() {}

    /** The unsigned 16-bit value at {@code off}. */
    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /** The 32-bit value at {@code off}. */
    public static int u32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** The 64-bit value at {@code off}. */
    public static long u64(byte[] b, int off) {
        return ((long) u32(b, off) << 32) | (u32(b, off + 4) & 0xffffffffL);
    }

    /** Writes a 16-bit value at {@code off}. */
    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** Writes a 32-bit value at {@code off}. */
    public static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Writes a 64-bit value at {@code off}. */
    public static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }

    /** Four bytes holding {@code v}. */
    public static byte[] of32(int v) {
        byte[] b = new byte[4];
        put32(b, 0, v);
        return b;
    }
}
