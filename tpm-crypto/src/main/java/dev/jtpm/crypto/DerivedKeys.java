package dev.jtpm.crypto;

import dev.jtpm.types.Secret;
import java.math.BigInteger;

/**
 * The key derivation of derived objects (Part 1 §27.1 "Derived Objects"; Part 3 §12.9
 * TPM2_CreateLoaded under a derivation parent): every secret of the new object comes from one
 * KDF-based generator keyed with the derivation parent's secret, so the same parent, label and context
 * give the same object again, on any TPM that holds the same parent secret.
 *
 * <p>The generator is ms-tpm-20-ref's and libtpms' DRBG_InstantiateSeededKdf with the parent's
 * TPMS_SCHEME_XOR (hash, KDF1_SP800_108): block i (from 1) is
 * {@code HMAC_hashAlg(parentSecret, [i]32 || label || 00 || context || [TPM_MAX_DERIVATION_BITS]32)},
 * the label given its NUL as KDFa gives it, octets handed out in order ({@link KdfDrbg}). The TPM draws
 * the object's key first and its seedValue (one nameAlg digest) next:
 * <ul>
 *   <li>ECC: {@link #ecc}, the private scalar by FIPS 186-5 A.2.1 "extra random bits";</li>
 *   <li>keyed hash: one digest of the scheme's hash (the nameAlg's for TPM_ALG_NULL);</li>
 *   <li>symmetric cipher: keyBits / 8 octets.</li>
 * </ul>
 * RSA keys are not derived (ms-tpm and libtpms refuse them with TPM_RC_TYPE). The generator is bounded
 * by TPM_MAX_DERIVATION_BITS (1024 octets); the largest object takes 56 + 64 octets (a P-384 scalar
 * and a SHA-512 seedValue), so the bound is never reached.
 */
public final class DerivedKeys {
    private DerivedKeys() {}

    /** TPM_MAX_DERIVATION_BITS (ms-tpm-20-ref TpmProfile): the length field of every block. */
    public static final int MAX_DERIVATION_BITS = 8192;

    /**
     * The generator of one derived object.
     *
     * @param hashAlg the hash of the parent's XOR scheme
     * @param parentSecret the parent's sensitive data (its TPMU_SENSITIVE_COMPOSITE bits)
     * @param label TPMS_DERIVE.label (may be empty)
     * @param context TPMS_DERIVE.context (may be empty)
     */
    public static RandomBits generator(int hashAlg, Secret parentSecret, byte[] label, byte[] context) {
        return new KdfDrbg(hashAlg, parentSecret, label, context, MAX_DERIVATION_BITS);
    }

    /**
     * An ECC key from the generator (ms-tpm BnEccGetPrivate): c = the next orderBytes + 8 octets,
     * big-endian; d = (c mod (n − 1)) + 1, so 1 ≤ d &lt; n; Q = d·G.
     */
    public static EccKey ecc(RandomBits generator, EccCurve curve) {
        BigInteger n = curve.order();
        int orderBytes = (n.bitLength() + 7) / 8;
        BigInteger c = new BigInteger(1, generator.next(orderBytes + 8));
        return EccKey.ofPrivate(curve, c.mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE));
    }
}
