package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

/**
 * Deterministic key derivation for primary objects (Part 1 §26.2 "Primary Seed Properties" and §27
 * "Primary Keys"): a primary object is a function of its hierarchy's seed and its template, so
 * TPM2_CreatePrimary with the same template under the same seed returns the same key until the seed
 * changes (TPM2_Clear, TPM2_ChangeEPS/PPS, or for the null hierarchy every TPM Reset).
 *
 * <p>Every derivation takes the same three inputs:
 * <ul>
 *   <li>{@code nameAlg}: the template's nameAlg, the hash of every KDF step;</li>
 *   <li>{@code seed}: the hierarchy's primary seed;</li>
 *   <li>{@code context}: what tells templates apart, normally {@link #templateContext} (the Name
 *       of the template as the caller marshalled it, unique field included, as ms-tpm-20-ref and
 *       libtpms hash it).</li>
 * </ul>
 * Each kind of secret uses its own label, so no two derivations share octets:
 * <table>
 *   <caption>Labels</caption>
 *   <tr><th>secret</th><th>derivation</th></tr>
 *   <tr><td>RSA primes</td><td>{@link RsaKeys}: p over {@code KdfDrbg(nameAlg, seed, "RSA P", context)}, q over
 *       {@code KdfDrbg(nameAlg, seed, "RSA Q", context)} (two streams, so the two searches run in parallel)</td></tr>
 *   <tr><td>ECC scalar d</td><td>{@link EccKeys} over {@code KdfDrbg(nameAlg, seed, "ECC", context)}</td></tr>
 *   <tr><td>symmetric key</td><td>{@code KDFa(nameAlg, seed, "SYMCIPHER", context, "", keyBits)}</td></tr>
 *   <tr><td>HMAC key / sealed-data filler</td><td>{@code KDFa(nameAlg, seed, "KEYEDHASH", context, "", bits)}</td></tr>
 *   <tr><td>seedValue (storage parents' child-protection seed, obfuscation)</td><td>{@code KDFa(nameAlg, seed, "SEEDVALUE", context, "", digestBits)}</td></tr>
 * </table>
 * Ordinary (non-primary) keys use the same generators with {@link RandomBits#of} a SecureRandom.
 */
public final class PrimaryKeys {
    private PrimaryKeys() {}

    /**
     * The derivation context of a template: its Name, {@code nameAlg (2 octets) || H_nameAlg(template)}
     * (Part 1 §16 Names), where {@code marshalledTemplate} is the TPMT_PUBLIC as received.
     */
    public static byte[] templateContext(int nameAlg, byte[] marshalledTemplate) {
        byte[] h = Hashes.hash(nameAlg, marshalledTemplate);
        byte[] r = new byte[2 + h.length];
        r[0] = (byte) (nameAlg >>> 8);
        r[1] = (byte) nameAlg;
        System.arraycopy(h, 0, r, 2, h.length);
        return r;
    }

    /**
     * The derivation context with the caller's sensitive data mixed in, as ms-tpm-20-ref's
     * CreatePrimary does (it gives its DRBG the template's Name and inSensitive.data as the two
     * contexts): {@code templateContext(nameAlg, template) || sensitiveData}. For asymmetric keys the
     * data is empty and this equals {@link #templateContext(int, byte[])}.
     */
    public static byte[] templateContext(int nameAlg, byte[] marshalledTemplate, byte[] sensitiveData) {
        return Octets.concat(templateContext(nameAlg, marshalledTemplate), sensitiveData);
    }

    /** The RSA key of the template. */
    public static RsaKey rsa(int nameAlg, Secret seed, byte[] context, int keyBits, long exponent) {
        return RsaKeys.generate(new KdfDrbg(nameAlg, seed, "RSA P", context), new KdfDrbg(nameAlg, seed, "RSA Q", context),
                keyBits, exponent);
    }

    /** The ECC key of the template. */
    public static EccKey ecc(int nameAlg, Secret seed, byte[] context, EccCurve curve) {
        return EccKeys.generate(new KdfDrbg(nameAlg, seed, "ECC", context), curve);
    }

    /** The symmetric key (TPM_ALG_SYMCIPHER) of {@code keyBits} bits. */
    public static Secret symmetric(int nameAlg, Secret seed, byte[] context, int keyBits) {
        return derive(nameAlg, seed, "SYMCIPHER", context, keyBits);
    }

    /**
     * A TDES key (TPM_ALG_SYMCIPHER with TPM_ALG_TDES) of {@code keyBits} bits: octets of the KDF-based DRBG
     * (label "SYMCIPHER") with odd parity, drawn again while the key is weak ({@link TdesKeys}), as ms-tpm's
     * CryptGenerateKeyDes draws from its DRBG.
     */
    public static Secret tdes(int nameAlg, Secret seed, byte[] context, int keyBits) {
        return TdesKeys.generate(new KdfDrbg(nameAlg, seed, "SYMCIPHER", context), keyBits);
    }

    /** The keyed-hash key (TPM_ALG_KEYEDHASH with an HMAC scheme) of {@code bytes} octets. */
    public static Secret keyedHash(int nameAlg, Secret seed, byte[] context, int bytes) {
        return derive(nameAlg, seed, "KEYEDHASH", context, bytes * 8);
    }

    /** The sensitive area's seedValue: one digest of nameAlg. */
    public static Secret seedValue(int nameAlg, Secret seed, byte[] context) {
        return derive(nameAlg, seed, "SEEDVALUE", context, Hashes.digestSize(nameAlg) * 8);
    }

    private static Secret derive(int nameAlg, Secret seed, String label, byte[] context, int bits) {
        byte[] k = Kdf.kdfa(nameAlg, seed.toArray(), label, context, new byte[0], bits);
        try {
            return Secret.of(k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }
}
