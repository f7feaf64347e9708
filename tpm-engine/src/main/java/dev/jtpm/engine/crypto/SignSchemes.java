package dev.jtpm.engine.crypto;

import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmuSigScheme;

/**
 * Checks shared by the signing commands, TPM2_Sign and the attestation commands (ms-tpm's IsSigningObject and
 * CryptSelectSignScheme).
 */
public final class SignSchemes {
    private SignSchemes() {}

    /** A chosen scheme and its hash. */
    public record Scheme(int scheme, int hashAlg) {}

    /** ms-tpm IsSigningObject: sign set and not a symmetric cipher key. */
    public static boolean isSigningKey(TpmObject key) {
        return key.attributes().signEncrypt() && key.publicArea().type() != TpmAlg.SYMCIPHER;
    }

    /**
     * ms-tpm CryptSelectSignScheme: the key's scheme when {@code in} is TPM_ALG_NULL; {@code in} when the
     * key has none; {@code in} when it equals the key's scheme and hash; otherwise null (TPM_RC_SCHEME).
     * A key whose scheme is ECDAA (split signing) needs {@code in} to name ECDAA too: the count is the
     * caller's. When the key has no scheme, {@code in} must also be one its type can sign with (RSASSA or
     * RSAPSS for RSA; ECDSA, ECDAA, SM2 or ECSCHNORR for ECC; HMAC for a keyed hash): libtpms 0.9 refuses
     * any other with TPM_RC_SCHEME before it looks at the ticket or the digest size (compared with swtpm
     * 0.7.1 by the interop SignDifferentialTest), where ms-tpm would fail later, in CryptSign.
     */
    public static Scheme selectScheme(TpmObject key, TpmtSigScheme in) {
        int keyScheme = Signatures.keyScheme(key.publicArea());
        int keyHash = Signatures.keySchemeHash(key.publicArea());
        int inHash = switch (in.details()) {
            case TpmuSigScheme.Hash h -> h.hashAlg();
            case TpmuSigScheme.Ecdaa e -> e.hashAlg();
            default -> TpmAlg.NULL;
        };
        if (keyScheme == TpmAlg.NULL) {
            return suitsType(key.publicArea().type(), in.scheme()) ? new Scheme(in.scheme(), inHash) : null;
        }
        if (in.scheme() == TpmAlg.NULL) return keyScheme == TpmAlg.ECDAA ? null : new Scheme(keyScheme, keyHash);
        return in.scheme() == keyScheme && inHash == keyHash ? new Scheme(keyScheme, keyHash) : null;
    }

    /** True if a key of {@code type} signs with {@code scheme} (TPM_ALG_NULL suits none). */
    private static boolean suitsType(int type, int scheme) {
        return switch (type) {
            case TpmAlg.RSA -> scheme == TpmAlg.RSASSA || scheme == TpmAlg.RSAPSS;
            case TpmAlg.ECC -> scheme == TpmAlg.ECDSA || scheme == TpmAlg.ECDAA || scheme == TpmAlg.SM2
                    || scheme == TpmAlg.ECSCHNORR;
            case TpmAlg.KEYEDHASH -> scheme == TpmAlg.HMAC;
            default -> false;
        };
    }
}
