package dev.jtpm.cros;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The few protobuf wire-format pieces vtpm's messages need, by hand instead of protoc: every message here
 * ({@code vtpm.SendCommandRequest}, {@code SendCommandResponse}, {@code vtpm.BlobData}) is a handful of bytes and varint
 * fields. Unknown fields are skipped, as protobuf parsers do (groups included); malformed input is an {@link IllegalArgumentException}.
 */
public final class Protobuf {
    private Protobuf() {}

    private static final int VARINT = 0, I64 = 1, LEN = 2, START_GROUP = 3, END_GROUP = 4, I32 = 5;
    private static final int MAX_GROUP_DEPTH = 100; // protobuf's default recursion limit

    /** The last value of every length-delimited field ({@code bytes}) and varint field of a message, by number. */
    public record Fields(Map<Integer, byte[]> bytes, Map<Integer, Long> varints) {
        /** The bytes field {@code n}, empty when absent (proto3 default, proto2 unset). */
        public byte[] bytes(int n) { return bytes.getOrDefault(n, new byte[0]); }

        /** Whether bytes field {@code n} was present. */
        public boolean has(int n) { return bytes.containsKey(n); }

        /** The varint field {@code n}, 0 when absent. */
        public long varint(int n) { return varints.getOrDefault(n, 0L); }
    }

    /** Parses a message. */
    public static Fields parse(byte[] msg) {
        Map<Integer, byte[]> bytes = new HashMap<>();
        Map<Integer, Long> varints = new HashMap<>();
        int[] pos = {0};
        while (pos[0] < msg.length) {
            int key = tag(msg, pos);
            int field = key >>> 3;
            int type = key & 7;
            if (field <= 0) throw new IllegalArgumentException("bad field number");
            switch (type) {
                case VARINT -> varints.put(field, varint(msg, pos));
                case I64 -> skip(msg, pos, 8);
                case I32 -> skip(msg, pos, 4);
                case LEN -> {
                    long n = size(msg, pos);
                    if (n > msg.length - pos[0]) throw new IllegalArgumentException("truncated field " + field);
                    bytes.put(field, java.util.Arrays.copyOfRange(msg, pos[0], pos[0] + (int) n));
                    pos[0] += (int) n;
                }
                case START_GROUP -> skipGroup(msg, pos, field, 1);
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
        }
        return new Fields(bytes, varints);
    }

    /** Skips a (deprecated, proto2) group up to its end tag, as protobuf parsers skip an unknown group. */
    private static void skipGroup(byte[] msg, int[] pos, int field, int depth) {
        if (depth > MAX_GROUP_DEPTH) throw new IllegalArgumentException("groups nested too deep");
        while (true) {
            if (pos[0] >= msg.length) throw new IllegalArgumentException("truncated group " + field);
            int key = tag(msg, pos);
            int f = key >>> 3;
            int type = key & 7;
            if (f <= 0) throw new IllegalArgumentException("bad field number");
            switch (type) {
                case VARINT -> varint(msg, pos);
                case I64 -> skip(msg, pos, 8);
                case I32 -> skip(msg, pos, 4);
                case LEN -> {
                    long n = size(msg, pos);
                    if (n > msg.length - pos[0]) throw new IllegalArgumentException("truncated field " + f);
                    pos[0] += (int) n;
                }
                case START_GROUP -> skipGroup(msg, pos, f, depth + 1);
                case END_GROUP -> {
                    if (f != field) throw new IllegalArgumentException("group " + field + " ended by " + f);
                    return;
                }
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
        }
    }

    private static void skip(byte[] msg, int[] pos, int n) {
        if (msg.length - pos[0] < n) throw new IllegalArgumentException("truncated field");
        pos[0] += n;
    }

    /**
     * A tag as protobuf's C++ parser (the reference's generated adaptor) reads it: a varint of at most five octets,
     * truncated to 32 bits.
     */
    private static int tag(byte[] msg, int[] pos) {
        int start = pos[0];
        long v = varint(msg, pos);
        if (pos[0] - start > 5) throw new IllegalArgumentException("tag longer than five octets");
        return (int) v;
    }

    /** A length as protobuf's C++ parser reads it: a varint of at most five octets, below 2^31. */
    private static long size(byte[] msg, int[] pos) {
        int start = pos[0];
        long v = varint(msg, pos);
        if (pos[0] - start > 5 || v >= 1L << 31) throw new IllegalArgumentException("length beyond 2 GiB");
        return v;
    }

    private static long varint(byte[] msg, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= msg.length) throw new IllegalArgumentException("truncated varint");
            int b = msg[pos[0]++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("varint too long");
    }

    /** Builds a message field by field. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** A length-delimited field. */
        public Writer bytes(int field, byte[] value) {
            putVarint((long) field << 3 | LEN);
            putVarint(value.length);
            out.write(value, 0, value.length);
            return this;
        }

        /** A varint field. */
        public Writer varint(int field, long value) {
            putVarint((long) field << 3 | VARINT);
            putVarint(value);
            return this;
        }

        private void putVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        public byte[] toByteArray() { return out.toByteArray(); }
    }

    /** {@code vtpm.SendCommandRequest { optional bytes command = 1; }}. */
    public static byte[] sendCommandRequest(byte[] command) { return new Writer().bytes(1, command).toByteArray(); }

    /** {@code vtpm.SendCommandResponse { optional bytes response = 1; }}. */
    public static byte[] sendCommandResponse(byte[] response) { return new Writer().bytes(1, response).toByteArray(); }
}
