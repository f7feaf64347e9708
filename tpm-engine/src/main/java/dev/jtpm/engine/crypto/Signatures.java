package dev.jtpm.engine.crypto;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.crypto.RsaSchemes;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmuAsymScheme;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.security.MessageDigest;

/**
 * Signing and signature checking with loaded objects (ms-tpm-20-ref's CryptSign,
 * CryptValidateSignature and CryptHMACSign in CryptUtil.c), shared by TPM2_Sign, TPM2_VerifySignature
 * (Part 3, 20), TPM2_HMAC (Part 3, 15.5) and HMAC sequences (Part 3, 17.2). The arithmetic is
 * tpm-crypto's ({@link RsaSchemes}, {@link EccSchemes}, {@link Hashes}); this class turns a
 * {@link TpmObject} into keys and TPM signature structures into those calls.
 *
 * <p>Failures: {@link #sign} throws TPM_RC_SCHEME (without an index) when the scheme does not suit
 * the key type; {@link #verify} returns TPM_RC_SCHEME or TPM_RC_SIGNATURE (without an index), or
 * {@link TpmRc#SUCCESS}.
 */
public final class Signatures {
    private Signatures() {}

    /** The scheme of a signing key's public area (TPM_ALG_NULL if none, or not a signing type). */
    public static int keyScheme(TpmtPublic pub) {
        return switch (pub.parameters()) {
            case TpmsRsaParms p -> p.scheme().scheme();
            case TpmsEccParms p -> p.scheme().scheme();
            case TpmsKeyedhashParms p -> p.scheme().scheme();
            default -> TpmAlg.NULL;
        };
    }

    /** The hash of a key's scheme (TPM_ALG_NULL when the key has none). */
    public static int keySchemeHash(TpmtPublic pub) {
        return switch (pub.parameters()) {
            case TpmsRsaParms p -> hashOf(p.scheme().details());
            case TpmsEccParms p -> hashOf(p.scheme().details());
            case TpmsKeyedhashParms p -> p.scheme().details() instanceof TpmuSchemeKeyedhash.Hmac h ? h.hashAlg() : TpmAlg.NULL;
            default -> TpmAlg.NULL;
        };
    }

    private static int hashOf(TpmuAsymScheme d) {
        return d instanceof TpmuAsymScheme.Hash h ? h.hashAlg() : d instanceof TpmuAsymScheme.Ecdaa e ? e.hashAlg() : TpmAlg.NULL;
    }

    /** The RSA key of an object (private parts when loaded), cached in the object. */
    public static RsaKey rsaKey(TpmObject o) { return o.cryptoKey(RsaKey.class, Signatures::makeRsaKey); }

    private static RsaKey makeRsaKey(TpmObject o) {
        TpmsRsaParms p = (TpmsRsaParms) o.publicArea().parameters();
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) o.publicArea().unique()).n().unsafeArray());
        BigInteger e = BigInteger.valueOf(p.exponent() == 0 ? 65537 : Integer.toUnsignedLong(p.exponent()));
        if (o.publicOnly()) return RsaKey.ofPublic(n, e);
        Secret prime = ((TpmuSensitiveComposite.Rsa) o.sensitive().sensitive()).prime();
        return RsaKey.fromPrime(n, e, new BigInteger(1, prime.toArray()));
    }

    /** The ECC key of an object (d when loaded; Q from the public area, checked on load), cached in the object. */
    public static EccKey eccKey(TpmObject o) { return o.cryptoKey(EccKey.class, Signatures::makeEccKey); }

    private static EccKey makeEccKey(TpmObject o) {
        TpmsEccParms p = (TpmsEccParms) o.publicArea().parameters();
        TpmsEccPoint q = (TpmsEccPoint) o.publicArea().unique();
        BigInteger d = o.publicOnly() ? null
                : new BigInteger(1, ((TpmuSensitiveComposite.Ecc) o.sensitive().sensitive()).d().toArray());
        return new EccKey(EccCurve.of(p.curveID()), new BigInteger(1, q.x().unsafeArray()),
                new BigInteger(1, q.y().unsafeArray()), d);
    }

    /** The HMAC key of a keyed-hash object (its sensitive data). */
    public static Secret hmacKey(TpmObject o) {
        return ((TpmuSensitiveComposite.Bits) o.sensitive().sensitive()).bits();
    }

    /**
     * Signs {@code digest} with {@code key} under {@code scheme}/{@code hashAlg} (ms-tpm CryptSign):
     * RSASSA and RSAPSS with RSA keys, ECDSA, ECSCHNORR and SM2 with ECC keys, HMAC with keyed-hash
     * keys; anything else is TPM_RC_SCHEME. The caller has checked the key (sign set, private loaded).
     */
    public static TpmtSignature sign(TpmObject key, int scheme, int hashAlg, Bytes digest, RandomBits random) {
        byte[] d = digest.unsafeArray();
        int type = key.publicArea().type();
        return switch (scheme) {
            case TpmAlg.RSASSA, TpmAlg.RSAPSS -> {
                if (type != TpmAlg.RSA) throw new TpmFailure(TpmRc.SCHEME);
                RsaKey k = rsaKey(key);
                Bytes sig = scheme == TpmAlg.RSASSA ? RsaSchemes.signPkcs1(k, hashAlg, d) : RsaSchemes.signPss(k, hashAlg, d, random);
                yield TpmtSignature.of(new TpmuSignature.Rsa(scheme, hashAlg, sig));
            }
            case TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.SM2 -> {
                if (type != TpmAlg.ECC) throw new TpmFailure(TpmRc.SCHEME);
                EccKey k = eccKey(key);
                EccSchemes.Signature s = switch (scheme) {
                    case TpmAlg.ECDSA -> EccSchemes.signEcdsa(k, d, random);
                    case TpmAlg.ECSCHNORR -> EccSchemes.signSchnorr(k, hashAlg, d, random);
                    default -> EccSchemes.signSm2(k, d, random);
                };
                yield TpmtSignature.of(new TpmuSignature.Ecc(scheme, hashAlg, s.r(), s.s()));
            }
            case TpmAlg.HMAC -> {
                if (type != TpmAlg.KEYEDHASH) throw new TpmFailure(TpmRc.SCHEME);
                yield TpmtSignature.of(new TpmuSignature.Hmac(new TpmtHa(hashAlg, hmac(key, hashAlg, d))));
            }
            default -> throw new TpmFailure(TpmRc.SCHEME);
        };
    }

    /** HMAC_hashAlg(key's sensitive data, data...). */
    public static Bytes hmac(TpmObject key, int hashAlg, byte[]... data) {
        return Bytes.wrap(Hashes.hmac(hashAlg, hmacKey(key).toArray(), data));
    }

    /**
     * Checks {@code signature} over {@code digest} with {@code key} (ms-tpm CryptValidateSignature):
     * TPM_RC_SCHEME when the signature's scheme does not suit the key type, TPM_RC_HANDLE for an HMAC
     * signature and a public-only keyed-hash object, TPM_RC_SIGNATURE when it does not verify (or, for an HMAC key with a scheme, its
     * hash differs from the scheme's), else {@link TpmRc#SUCCESS}.
     */
    public static TpmRc verify(TpmObject key, Bytes digest, TpmtSignature signature) {
        byte[] d = digest.unsafeArray();
        int type = key.publicArea().type();
        switch (signature.signature()) {
            case TpmuSignature.Rsa s -> {
                if (type != TpmAlg.RSA) return TpmRc.SCHEME;
                RsaKey k = rsaKey(key);
                byte[] sig = s.sig().unsafeArray();
                boolean ok = s.sigAlg() == TpmAlg.RSASSA ? RsaSchemes.verifyPkcs1(k, s.hash(), d, sig)
                        : RsaSchemes.verifyPss(k, s.hash(), d, sig);
                return ok ? TpmRc.SUCCESS : TpmRc.SIGNATURE;
            }
            case TpmuSignature.Ecc s -> {
                if (type != TpmAlg.ECC) return TpmRc.SCHEME;
                EccKey k = eccKey(key);
                EccSchemes.Signature sig = new EccSchemes.Signature(s.signatureR(), s.signatureS());
                boolean ok = switch (s.sigAlg()) {
                    case TpmAlg.ECDSA -> EccSchemes.verifyEcdsa(k, d, sig);
                    case TpmAlg.ECSCHNORR -> EccSchemes.verifySchnorr(k, s.hash(), d, sig);
                    case TpmAlg.SM2 -> EccSchemes.verifySm2(k, d, sig);
                    default -> false;
                };
                if (s.sigAlg() == TpmAlg.ECDAA) return TpmRc.SCHEME;
                return ok ? TpmRc.SUCCESS : TpmRc.SIGNATURE;
            }
            case TpmuSignature.Hmac s -> {
                if (type != TpmAlg.KEYEDHASH) return TpmRc.SCHEME;
                if (key.publicOnly()) return TpmRc.HANDLE;   // ms-tpm: no key to recompute the HMAC with
                int keyScheme = keyScheme(key.publicArea());
                if (keyScheme != TpmAlg.NULL && keySchemeHash(key.publicArea()) != s.hmac().hashAlg()) return TpmRc.SIGNATURE;
                Bytes expected = hmac(key, s.hmac().hashAlg(), d);
                return MessageDigest.isEqual(expected.unsafeArray(), s.hmac().digest().unsafeArray()) ? TpmRc.SUCCESS
                        : TpmRc.SIGNATURE;
            }
            default -> { return TpmRc.SCHEME; }
        }
    }
}
