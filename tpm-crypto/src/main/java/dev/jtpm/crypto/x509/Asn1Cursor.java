package dev.jtpm.crypto.x509;

/**
 * A reading position in DER octets with the rules of ms-tpm-20-ref's ASN1UnmarshalContext (TpmASN1.c), which
 * TPM2_CertifyX509 applies to the caller's partial certificate: what it accepts and refuses decides the command's
 * response codes, so it is followed rule for rule rather than replaced by a general DER parser.
 *
 * <ul>
 *   <li>A tag is one octet; the extended form (low five bits all set) is refused.</li>
 *   <li>A length is short (< 0x80), {@code 0x81 n}, or {@code 0x82 hi lo} with {@code hi < 0x80}; any other long form
 *       is refused; non-minimal forms ({@code 0x81 0x05}) are accepted. The element must end inside the window.</li>
 *   <li>Failure is sticky: the window size becomes -1 and every later read fails (ms-tpm's {@code ctx->size = -1}).</li>
 * </ul>
 *
 * <p>The window is {@code [base, base + size)} of a shared array; {@link #offset()} counts from {@code base}.
 */
public final class Asn1Cursor {
    /** The tag value after a failed {@link #nextTag()} (ms-tpm's 0xFF). */
    public static final int NO_TAG = 0xFF;

    private final byte[] buffer;
    private final int base;
    private int size;
    private int offset;
    private int tag = NO_TAG;

    private Asn1Cursor(byte[] buffer, int base, int size, int offset, int tag) {
        this.buffer = buffer;
        this.base = base;
        this.size = size;
        this.offset = offset;
        this.tag = tag;
    }

    /**
     * A cursor over {@code length} octets of {@code buffer} from {@code from} (ASN1UnmarshalContextInitialize), or
     * null when {@code length} is not positive, as ms-tpm refuses an empty context.
     */
    public static Asn1Cursor over(byte[] buffer, int from, int length) {
        return length > 0 ? new Asn1Cursor(buffer, from, length, 0, NO_TAG) : null;
    }

    /** An independent copy at the same position (ms-tpm copies the context structure). */
    public Asn1Cursor copy() { return new Asn1Cursor(buffer, base, size, offset, tag); }

    /** A cursor over the next {@code length} octets, from the current position (ms-tpm moves buffer, offset, size). */
    public Asn1Cursor window(int length) { return new Asn1Cursor(buffer, base + offset, length, 0, tag); }

    public int size() { return size; }

    public int offset() { return offset; }

    /** The last tag read. */
    public int tag() { return tag; }

    /** True once a read has failed. */
    public boolean failed() { return size < 0; }

    /** Marks the cursor failed. */
    public void fail() { size = -1; }

    /** Moves past {@code n} octets (the value of the element just read). */
    public void skip(int n) { offset += n; }

    /** True if the octets at the position begin with {@code prefix} (the window must hold them). */
    public boolean startsWith(byte[] prefix) {
        if (offset + prefix.length > size) return false;
        for (int i = 0; i < prefix.length; i++) if (buffer[base + offset + i] != prefix[i]) return false;
        return true;
    }

    private int next() { return buffer[base + offset++] & 0xFF; }

    private boolean fits(int length) { return length + offset >= offset && length + offset <= size; }

    /**
     * ASN1NextTag: reads a tag and a length; returns the length with the position at the first value octet, or -1
     * (and the cursor failed) when no tag is left, the tag is in the extended form or the length is refused.
     */
    public int nextTag() {
        if (offset >= size) {
            size = -1;
            tag = NO_TAG;
            return -1;
        }
        tag = next();
        if ((tag & 0x1F) == 0x1F) {
            size = -1;
            tag = NO_TAG;
            return -1;
        }
        return decodeLength();
    }

    /** ASN1DecodeLength. */
    private int decodeLength() {
        if (offset >= size) return failLength();
        int first = next();
        int value;
        if (first >= 0x80) {
            if (!fits(first & 0x7F)) return failLength();
            if (first == 0x82) {
                value = next();
                if (value >= 0x80) return failLength();
                value = (value << 8) + next();
            } else if (first == 0x81) {
                value = next();
            } else {
                return failLength();
            }
        } else {
            value = first;
        }
        if (!fits(value)) return failLength();
        return value;
    }

    private int failLength() {
        size = -1;
        return -1;
    }

    /**
     * ASN1GetBitStringValue: reads a BIT STRING of up to 32 bits and returns it left-justified (its first bit is bit
     * 31) as an unsigned value, or -1 (and the cursor failed). ms-tpm's arithmetic is kept: the unused-bit count must
     * be below 8 (0 for an empty string); a string longer than 32 bits is refused only while the bits shifted out are
     * caught by its checks, so a five-octet string with no unused bits keeps its last 32 bits.
     */
    public long bitStringValue() {
        int length = nextTag();
        if (length < 1 || tag != 0x03) return failBits();
        int shift = next();
        length--;
        int inputBits = 8 * length - shift;
        if (!(shift < 8 && (length > 0 || shift == 0))) return failBits();
        int value = 0;
        for (; length > 1; length--) {
            if ((value & 0xFF000000) != 0) return failBits();
            value = (value << 8) + next();
        }
        if (length == 1) {
            if ((value & (0xFF000000 << (8 - shift))) != 0) return failBits();
            value = (value << (8 - shift)) + (next() >>> shift);
        }
        // C shifts a 32-bit value by (32 - inputBits) mod 32 on the x86 hosts swtpm runs on; Java's << does the same
        if (inputBits > 0) value <<= 32 - inputBits;
        return Integer.toUnsignedLong(value);
    }

    private long failBits() {
        size = -1;
        return -1;
    }
}
