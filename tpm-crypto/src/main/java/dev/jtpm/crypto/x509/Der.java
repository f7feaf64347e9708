package dev.jtpm.crypto.x509;

import java.io.ByteArrayOutputStream;

/**
 * DER encoding of the few elements TPM2_CertifyX509 writes, octet for octet as ms-tpm-20-ref's marshaling functions
 * (TpmASN1.c) produce them: short or 0x81/0x82 long lengths, INTEGERs without leading zero octets and with one zero
 * octet when the first bit is set, BIT STRINGs of whole octets (no unused bits). ms-tpm builds bottom-up into a
 * buffer; the octets are the same when built front to back, as here.
 */
public final class Der {
    private Der() {}

    public static final int INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL_TAG = 0x05, OID = 0x06,
            SEQUENCE = 0x30, CONTEXT_0 = 0xA0;

    /** NULL. */
    public static final byte[] NULL = {NULL_TAG, 0};

    /** The tag and length octets of an element of {@code length} value octets (ASN1PushTagAndLength). */
    public static byte[] header(int tag, int length) {
        if (length < 0 || length > 0x7FFF) throw new IllegalArgumentException("length " + length);
        if (length < 0x80) return new byte[] {(byte) tag, (byte) length};
        if (length < 0x100) return new byte[] {(byte) tag, (byte) 0x81, (byte) length};
        return new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length};
    }

    /** An element: {@code tag}, the length, then the concatenated {@code parts}. */
    public static byte[] tlv(int tag, byte[]... parts) {
        byte[] value = concat(parts);
        return concat(header(tag, value.length), value);
    }

    /** SEQUENCE of {@code parts}. */
    public static byte[] sequence(byte[]... parts) { return tlv(SEQUENCE, parts); }

    /** The context-specific constructed element [{@code n}] holding {@code parts}. */
    public static byte[] context(int n, byte[]... parts) { return tlv(CONTEXT_0 + n, parts); }

    /** BIT STRING holding the octets {@code parts} (first octet 0: no unused bits; ASN1EndEncapsulation). */
    public static byte[] bitString(byte[]... parts) { return tlv(BIT_STRING, new byte[] {0}, concat(parts)); }

    /**
     * INTEGER of the unsigned big-endian {@code value} (ASN1PushInteger): leading zero octets dropped, a zero octet
     * added when the first remaining bit is set. ms-tpm's loop leaves no octet for zero, so zero is {@code 02 00}.
     */
    public static byte[] integer(byte[] value) {
        int start = 0;
        while (start < value.length && value[start] == 0) start++;
        byte[] v = java.util.Arrays.copyOfRange(value, start, value.length);
        return v.length > 0 && (v[0] & 0x80) != 0 ? tlv(INTEGER, new byte[] {0}, v) : tlv(INTEGER, v);
    }

    /** INTEGER of an unsigned 32-bit value (ASN1PushUINT). */
    public static byte[] integer(long unsigned32) {
        return integer(new byte[] {(byte) (unsigned32 >> 24), (byte) (unsigned32 >> 16), (byte) (unsigned32 >> 8),
                (byte) unsigned32});
    }

    /** OBJECT IDENTIFIER of a dotted {@code oid} ("1.2.840.113549.1.1.11"). */
    public static byte[] oid(String oid) {
        String[] arcs = oid.split("\\.");
        if (arcs.length < 2) throw new IllegalArgumentException(oid);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) base128(out, Long.parseLong(arcs[i]));
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long arc) {
        int groups = 1;
        for (long a = arc >>> 7; a != 0; a >>>= 7) groups++;
        for (int g = groups - 1; g >= 0; g--) out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
    }

    /** The octets of {@code parts} one after the other. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
