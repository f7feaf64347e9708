package dev.jtpm.types;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: what records hold instead of {@code byte[]}.
 * For secrets use {@link Secret}, whose {@code toString} is redacted.
 */
public final class Bytes implements Comparable<Bytes> {
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;

    private Bytes(byte[] data) { this.data = data; }

    /** A copy of {@code b}. */
    public static Bytes of(byte... b) { return b.length == 0 ? EMPTY : new Bytes(b.clone()); }

    /** A copy of part of {@code b}. */
    public static Bytes of(byte[] b, int off, int len) { return len == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(b, off, off + len)); }

    /** Takes ownership of {@code b} without copying: the caller must not change it afterwards. */
    public static Bytes wrap(byte[] b) { return b.length == 0 ? EMPTY : new Bytes(b); }

    /** Parses hex digits (no separators). */
    public static Bytes fromHex(String hex) { return wrap(HEX.parseHex(hex)); }

    /** {@code n} zero bytes. */
    public static Bytes zeros(int n) { return wrap(new byte[n]); }

    public int size() { return data.length; }

    public boolean isEmpty() { return data.length == 0; }

    public byte get(int i) { return data[i]; }

    /** A copy of the content. */
    public byte[] toArray() { return data.clone(); }

    /** The content without copying: callers must not modify it. */
    public byte[] unsafeArray() { return data; }

    public Bytes concat(Bytes other) {
        byte[] r = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, r, data.length, other.data.length);
        return wrap(r);
    }

    public String toHex() { return HEX.formatHex(data); }

    @Override public boolean equals(Object o) { return o instanceof Bytes b && Arrays.equals(data, b.data); }

    @Override public int hashCode() { return Arrays.hashCode(data); }

    @Override public int compareTo(Bytes o) { return Arrays.compareUnsigned(data, o.data); }

    @Override public String toString() { return data.length <= 64 ? toHex() : toHex().substring(0, 128) + "…(" + data.length + " bytes)"; }
}
