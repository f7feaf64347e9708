package dev.jtpm.crypto.x509;

import dev.jtpm.types.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The partialCertificate of TPM2_CertifyX509 (Part 3, 18.8), split as ms-tpm-20-ref's CertifyX509.c splits it: one
 * SEQUENCE that takes all the octets, holding three or four SEQUENCEs ([signature,] issuer, validity, subject, the
 * last three being the last three SEQUENCEs) and exactly one extensions element [3], anywhere among them. Nothing
 * inside the elements is looked at here; each part keeps its tag and length octets.
 *
 * @param signature  the signature AlgorithmIdentifier, or null when the TPM is to write it (three SEQUENCEs)
 * @param extensions the [3] element, checked later by {@link X509Extensions}
 */
public record PartialCertificate(Bytes signature, Bytes issuer, Bytes validity, Bytes subject, Bytes extensions) {

    /** The tag of the extensions element, [3] constructed. */
    public static final int EXTENSIONS_TAG = 0xA3;

    /** Why {@link #parse} refused the octets; each maps to one response code of ms-tpm. */
    public enum Refusal {
        /** No octets at all (ASN1UnmarshalContextInitialize): TPM_RC_VALUE. */
        EMPTY,
        /** Not one SEQUENCE that takes all the octets: TPM_RC_SIZE. */
        NOT_ONE_SEQUENCE,
        /**
         * An element that is neither a SEQUENCE nor [3], a second [3], a bad tag or length, fewer than three or more
         * than four SEQUENCEs, or no [3]: TPM_RC_VALUE.
         */
        BAD_ELEMENTS
    }

    /** The result of {@link #parse}: a certificate or a refusal. */
    public sealed interface Parse {}

    public record Parsed(PartialCertificate certificate) implements Parse {}

    public record Refused(Refusal refusal) implements Parse {}

    /** True when the caller gave the signature AlgorithmIdentifier (four SEQUENCEs). */
    public boolean hasSignature() { return signature != null; }

    /** Splits {@code der} as CertifyX509.c does, with its checks in its order. */
    public static Parse parse(byte[] der) {
        Asn1Cursor c = Asn1Cursor.over(der, 0, der.length);
        if (c == null) return new Refused(Refusal.EMPTY);
        int length = c.nextTag();
        if (c.tag() != Der.SEQUENCE || c.offset() + length != der.length) return new Refused(Refusal.NOT_ONE_SEQUENCE);

        List<Bytes> sequences = new ArrayList<>();
        Bytes extensions = null;
        while (c.offset() < c.size()) {
            int start = c.offset();
            length = c.nextTag();
            if (length < 0) break;
            if (c.tag() == Der.SEQUENCE) {
                c.skip(length);
                sequences.add(Bytes.of(der, start, c.offset() - start));
                if (sequences.size() > 4) break;   // ms-tpm: more than ALLOWED_SEQUENCES
            } else if (c.tag() == EXTENSIONS_TAG) {
                if (extensions != null) return new Refused(Refusal.BAD_ELEMENTS);
                c.skip(length);
                extensions = Bytes.of(der, start, c.offset() - start);
            } else {
                return new Refused(Refusal.BAD_ELEMENTS);
            }
        }
        int n = sequences.size();
        if (c.offset() != c.size() || n < 3 || n > 4 || extensions == null) return new Refused(Refusal.BAD_ELEMENTS);
        return new Parsed(new PartialCertificate(n == 4 ? sequences.get(0) : null, sequences.get(n - 3),
                sequences.get(n - 2), sequences.get(n - 1), extensions));
    }
}
