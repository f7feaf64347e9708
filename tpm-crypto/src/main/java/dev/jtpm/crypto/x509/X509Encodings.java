package dev.jtpm.crypto.x509;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.RsaSchemes;
import dev.jtpm.types.TpmAlg;

/**
 * The parts of a TBSCertificate that TPM2_CertifyX509 writes itself, as ms-tpm-20-ref's X509_RSA.c, X509_ECC.c and
 * the OIDs of OIDs.h (libtpms 0.9) encode them: the subjectPublicKeyInfo of an RSA or ECC key and the signature
 * AlgorithmIdentifier of a signing scheme. Each returns null where ms-tpm has no encoding (its functions return 0).
 */
public final class X509Encodings {
    private X509Encodings() {}

    private static final byte[] RSA_ENCRYPTION = Der.oid("1.2.840.113549.1.1.1");
    private static final byte[] RSA_PSS = Der.oid("1.2.840.113549.1.1.10");
    private static final byte[] MGF1 = Der.oid("1.2.840.113549.1.1.8");
    private static final byte[] EC_PUBLIC_KEY = Der.oid("1.2.840.10045.2.1");

    /** The OID of a hash (OID_SHA1 … OID_SHA512), or null. */
    static byte[] hashOid(int hashAlg) {
        return switch (hashAlg) {
            case TpmAlg.SHA1 -> Der.oid("1.3.14.3.2.26");
            case TpmAlg.SHA256 -> Der.oid("2.16.840.1.101.3.4.2.1");
            case TpmAlg.SHA384 -> Der.oid("2.16.840.1.101.3.4.2.2");
            case TpmAlg.SHA512 -> Der.oid("2.16.840.1.101.3.4.2.3");
            default -> null;
        };
    }

    /** sha*WithRSAEncryption (PKCS #1), or null. */
    private static byte[] pkcs1Oid(int hashAlg) {
        return switch (hashAlg) {
            case TpmAlg.SHA1 -> Der.oid("1.2.840.113549.1.1.5");
            case TpmAlg.SHA256 -> Der.oid("1.2.840.113549.1.1.11");
            case TpmAlg.SHA384 -> Der.oid("1.2.840.113549.1.1.12");
            case TpmAlg.SHA512 -> Der.oid("1.2.840.113549.1.1.13");
            default -> null;
        };
    }

    /** ecdsa-with-SHA* (ANSI X9.62), or null. */
    private static byte[] ecdsaOid(int hashAlg) {
        return switch (hashAlg) {
            case TpmAlg.SHA1 -> Der.oid("1.2.840.10045.4.1");
            case TpmAlg.SHA256 -> Der.oid("1.2.840.10045.4.3.2");
            case TpmAlg.SHA384 -> Der.oid("1.2.840.10045.4.3.3");
            case TpmAlg.SHA512 -> Der.oid("1.2.840.10045.4.3.4");
            default -> null;
        };
    }

    /**
     * The named-curve OID of a TPM curve, or null: libtpms 0.9 has none for the BN curves (its BN_P256 OID is NULL,
     * BN_P638's a zero octet), so their keys cannot be certified (TPM_RC_ASYMMETRIC).
     */
    static byte[] curveOid(int curveId) {
        EccCurve c = EccCurve.of(curveId);
        if (c == null) return null;
        return switch (c) {
            case NIST_P192 -> Der.oid("1.2.840.10045.3.1.1");
            case NIST_P224 -> Der.oid("1.3.132.0.33");
            case NIST_P256 -> Der.oid("1.2.840.10045.3.1.7");
            case NIST_P384 -> Der.oid("1.3.132.0.34");
            case NIST_P521 -> Der.oid("1.3.132.0.35");
            case SM2_P256 -> Der.oid("1.2.156.10197.1.301");
            case BN_P256, BN_P638 -> null;
        };
    }

    /** AlgorithmIdentifier {@code SEQUENCE { oid, NULL }} (X509PushAlgorithmIdentifierSequence). */
    private static byte[] algorithmWithNull(byte[] oid) { return Der.sequence(oid, Der.NULL); }

    /**
     * The signature AlgorithmIdentifier of an RSA key signing with {@code scheme} and {@code hashAlg}
     * (X509AddSigningAlgorithmRSA): RSASSA is sha*WithRSAEncryption with NULL parameters; RSAPSS with SHA-1 is
     * id-RSASSA-PSS with NULL parameters (ms-tpm's choice), otherwise id-RSASSA-PSS with RSASSA-PSS-params [0] the
     * hash, [1] MGF1 over the hash and [2] the salt length the TPM signs with ({@link #pssSaltSize}), no
     * trailer field. {@code modulusBytes} is the size of the key's modulus. Null for another scheme or hash.
     */
    public static byte[] rsaSignatureAlgorithm(int scheme, int hashAlg, int modulusBytes) {
        byte[] hash = hashOid(hashAlg);
        if (hash == null) return null;
        return switch (scheme) {
            case TpmAlg.RSASSA -> algorithmWithNull(pkcs1Oid(hashAlg));
            case TpmAlg.RSAPSS -> hashAlg == TpmAlg.SHA1 ? algorithmWithNull(RSA_PSS)
                    : Der.sequence(RSA_PSS, Der.sequence(
                            Der.context(0, algorithmWithNull(hash)),
                            Der.context(1, Der.sequence(MGF1, algorithmWithNull(hash))),
                            Der.context(2, Der.integer(pssSaltSize(hashAlg, modulusBytes)))));
            default -> null;
        };
    }

    /**
     * CryptRsaPssSaltSize: the salt the TPM signs with, the digest size or less for a small modulus (the same rule as
     * {@link RsaSchemes#pssSaltLength}, on the size of the public area's modulus as ms-tpm takes it).
     */
    static int pssSaltSize(int hashAlg, int modulusBytes) {
        int h = TpmAlg.digestSize(hashAlg);
        return Math.max(0, Math.min(h, modulusBytes - h - 2));
    }

    /**
     * The signature AlgorithmIdentifier of an ECC key signing with {@code scheme} and {@code hashAlg}
     * (X509AddSigningAlgorithmECC): ECDSA only, ecdsa-with-SHA* without parameters. Null otherwise (EC-Schnorr,
     * SM2, ECDAA have none in libtpms 0.9).
     */
    public static byte[] eccSignatureAlgorithm(int scheme, int hashAlg) {
        if (scheme != TpmAlg.ECDSA) return null;
        byte[] oid = ecdsaOid(hashAlg);
        return oid == null ? null : Der.sequence(oid);
    }

    /**
     * subjectPublicKeyInfo of an RSA key (X509AddPublicRSA): rsaEncryption with NULL parameters and the BIT STRING of
     * RSAPublicKey {@code SEQUENCE { modulus, publicExponent }}; {@code exponent} 0 means 65537.
     */
    public static byte[] rsaPublicKey(byte[] modulus, int exponent) {
        long e = exponent == 0 ? 65537 : Integer.toUnsignedLong(exponent);
        return Der.sequence(algorithmWithNull(RSA_ENCRYPTION), Der.bitString(Der.sequence(Der.integer(modulus), Der.integer(e))));
    }

    /**
     * subjectPublicKeyInfo of an ECC key (X509AddPublicECC): id-ecPublicKey with the named curve and the BIT STRING
     * of the uncompressed point {@code 04 || x || y} (x and y as the public area holds them). Null for a curve without
     * an OID.
     */
    public static byte[] eccPublicKey(int curveId, byte[] x, byte[] y) {
        byte[] curve = curveOid(curveId);
        if (curve == null) return null;
        return Der.sequence(Der.sequence(EC_PUBLIC_KEY, curve), Der.bitString(new byte[] {4}, x, y));
    }
}
