package dev.jtpm.types;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An immutable secret byte string (auth values, seeds, private parts): {@code toString} never shows
 * the content and {@code equals} runs in constant time.
 */
public final class Secret {
    /** The empty secret (the empty authValue). */
    public static final Secret EMPTY = new Secret(new byte[0]);

    private final byte[] data;

    private Secret(byte[] data) { this.data = data; }

    public static Secret of(byte[] b) { return b.length == 0 ? EMPTY : new Secret(b.clone()); }

    public static Secret of(Bytes b) { return of(b.unsafeArray()); }

    public int size() { return data.length; }

    public boolean isEmpty() { return data.length == 0; }

    /** A copy of the content. */
    public byte[] toArray() { return data.clone(); }

    /** The content as {@link Bytes} (a copy). */
    public Bytes toBytes() { return Bytes.of(data); }

    /** Constant-time comparison with raw bytes (as presented by a password session). */
    public boolean matches(Bytes presented) { return MessageDigest.isEqual(data, presented.unsafeArray()); }

    /** The value with trailing zero octets removed, as Part 1 §19.6.4 requires for authValues. */
    public Secret trimTrailingZeros() {
        int n = data.length;
        while (n > 0 && data[n - 1] == 0) n--;
        return n == data.length ? this : of(Arrays.copyOf(data, n));
    }

    @Override public boolean equals(Object o) { return o instanceof Secret s && MessageDigest.isEqual(data, s.data); }

    @Override public int hashCode() { return data.length; }

    @Override public String toString() { return "Secret[" + data.length + " bytes, redacted]"; }
}
