package dev.jtpm.crypto.x509;

/**
 * The extensions check of TPM2_CertifyX509, ms-tpm-20-ref's X509ProcessExtensions (X509_spt.c, as in libtpms 0.9),
 * over the [3] element of the partial certificate and the certified object's TPMA_OBJECT.
 *
 * <ol>
 *   <li>The element must be [3] holding a SEQUENCE; the extensions are then read up to the end of [3].</li>
 *   <li>An extension with the TCG OID tcg-tpmaObject (2.23.133.10.1.1.1) is optional; when present its BIT STRING,
 *       read left-justified as a 32-bit word, must equal the object's attributes: else {@link Result#ATTRIBUTES}.</li>
 *   <li>keyUsage (2.5.29.15) is required, and its bits must suit the object: digitalSignature, keyCertSign or cRLSign
 *       need sign; keyEncipherment, dataEncipherment, keyAgreement, encipherOnly or decipherOnly need decrypt;
 *       nonRepudiation needs fixedTPM; keyAgreement needs restricted.</li>
 * </ol>
 * Anything else wrong is {@link Result#VALUE}. An extension is found by comparing the octets that follow its SEQUENCE
 * header with the encoded OID (X509FindExtensionByOID); its value is the first OCTET STRING after the OID, which must
 * hold a BIT STRING (X509GetExtensionBits), so a critical flag may stand between them.
 */
public final class X509Extensions {
    private X509Extensions() {}

    /** The outcome; ATTRIBUTES is reported on objectHandle, VALUE on partialCertificate. */
    public enum Result { OK, ATTRIBUTES, VALUE }

    /** tcg-tpmaObject, 2.23.133.10.1.1.1. */
    public static final byte[] TPMA_OBJECT_OID = Der.oid("2.23.133.10.1.1.1");
    /** id-ce-keyUsage, 2.5.29.15. */
    public static final byte[] KEY_USAGE_OID = Der.oid("2.5.29.15");

    /** TPMA_X509_KEY_USAGE bits (Part 2): the BIT STRING left-justified, digitalSignature is bit 31. */
    public static final int DIGITAL_SIGNATURE = 1 << 31, NON_REPUDIATION = 1 << 30, KEY_ENCIPHERMENT = 1 << 29,
            DATA_ENCIPHERMENT = 1 << 28, KEY_AGREEMENT = 1 << 27, KEY_CERT_SIGN = 1 << 26, CRL_SIGN = 1 << 25,
            ENCIPHER_ONLY = 1 << 24, DECIPHER_ONLY = 1 << 23;

    private static final int USAGE_SIGN = DIGITAL_SIGNATURE | KEY_CERT_SIGN | CRL_SIGN;
    private static final int USAGE_DECRYPT = KEY_ENCIPHERMENT | DATA_ENCIPHERMENT | KEY_AGREEMENT | ENCIPHER_ONLY
            | DECIPHER_ONLY;

    // TPMA_OBJECT bits
    private static final int FIXED_TPM = 1 << 1, RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;

    /** Checks {@code extensions} (the [3] element with its header) against the object's {@code attributes}. */
    public static Result check(byte[] extensions, int attributes) {
        Asn1Cursor c = Asn1Cursor.over(extensions, 0, extensions.length);
        if (c == null || c.nextTag() < 0 || c.tag() != PartialCertificate.EXTENSIONS_TAG) return Result.VALUE;
        if (c.nextTag() < 0 || c.tag() != Der.SEQUENCE) return Result.VALUE;

        Asn1Cursor tpma = find(c, TPMA_OBJECT_OID);
        long value;
        if (tpma != null && !tpma.failed() && (value = bits(tpma)) >= 0) {
            if ((int) value != attributes) return Result.ATTRIBUTES;
        } else if (tpma != null && tpma.failed()) {
            return Result.VALUE;
        }

        Asn1Cursor usage = find(c, KEY_USAGE_OID);
        if (usage == null || usage.failed() || (value = bits(usage)) < 0) return Result.VALUE;
        int keyUsage = (int) value;
        boolean badSign = (keyUsage & USAGE_SIGN) != 0 && (attributes & SIGN) == 0;
        boolean badDecrypt = (keyUsage & USAGE_DECRYPT) != 0 && (attributes & DECRYPT) == 0;
        boolean badFixedTpm = (keyUsage & NON_REPUDIATION) != 0 && (attributes & FIXED_TPM) == 0;
        boolean badRestricted = (keyUsage & KEY_AGREEMENT) != 0 && (attributes & RESTRICTED) == 0;
        return badSign || badDecrypt || badFixedTpm || badRestricted ? Result.VALUE : Result.OK;
    }

    /**
     * X509FindExtensionByOID on a copy of {@code in}: the window of the first SEQUENCE whose value starts with
     * {@code oid}, null when there is none, or a failed cursor (and {@code in} failed) when an element is not a
     * SEQUENCE or its header is refused.
     */
    static Asn1Cursor find(Asn1Cursor in, byte[] oid) {
        Asn1Cursor c = in.copy();
        while (c.size() > c.offset()) {
            int length = c.nextTag();
            if (length < 0 || c.tag() != Der.SEQUENCE) {
                in.fail();
                c.fail();
                return c;
            }
            if (length >= oid.length && c.startsWith(oid)) return c.window(length);
            c.skip(length);
        }
        return null;
    }

    /**
     * X509GetExtensionBits: skips elements up to the first OCTET STRING and reads the BIT STRING in it; the bits
     * (unsigned) or -1. An element of length zero ends the search unsuccessfully.
     */
    static long bits(Asn1Cursor c) {
        int length;
        while ((length = c.nextTag()) > 0 && c.size() > c.offset()) {
            if (c.tag() == Der.OCTET_STRING) return c.bitStringValue();
            c.skip(length);
        }
        c.fail();
        return -1;
    }
}
