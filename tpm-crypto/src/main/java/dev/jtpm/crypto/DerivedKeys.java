package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

import java.math.BigInteger;

/**
 * The secrets of a derived object (Part 1 §27.1; TPM2_CreateLoaded under a derivation parent), as ms-tpm-20-ref
 * and libtpms 0.9 make them, checked octet for octet against swtpm: one KDF-seeded DRBG per object,
 * {@code KDFa(hashAlg, parent's bits, label, context)} with the parent's XOR-scheme hash and the length field
 * fixed at TPM_MAX_DERIVATION_BITS (8192), from which the key is drawn first and then, for a symmetric or
 * keyed-hash object, its seedValue (so the same parent, label and context give the same object):
 * <ul>
 *   <li>symmetric keys: the next keyBits/8 octets ({@link TdesKeys#generate} for TDES);</li>
 *   <li>keyed-hash keys: the next digest-size octets;</li>
 *   <li>ECC: FIPS 186-4 B.4.1, "extra random bits": c = the next orderBytes + 8 octets,
 *       d = (c mod (n − 1)) + 1 — not the candidate testing that {@link EccKeys} does for other keys.</li>
 * </ul>
 */
public final class DerivedKeys {
    private DerivedKeys() {}

    /** TPM_MAX_DERIVATION_BITS: the KDF's length field (and, in ms-tpm, its output limit). */
    public static final int MAX_DERIVATION_BITS = 8192;

    /** The DRBG of one derived object. */
    public static RandomBits drbg(int hashAlg, Secret parentBits, byte[] label, byte[] context) {
        return new KdfDrbg(hashAlg, parentBits, label, context, MAX_DERIVATION_BITS);
    }

    /** An ECC key pair from the DRBG (FIPS 186-4 B.4.1, as ms-tpm's BnEccGetPrivate). */
    public static EccKey ecc(RandomBits drbg, EccCurve curve) {
        BigInteger n = curve.order();
        int orderBytes = (n.bitLength() + 7) / 8;
        BigInteger c = new BigInteger(1, drbg.next(orderBytes + 8));
        return EccKey.ofPrivate(curve, c.mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE));
    }
}
