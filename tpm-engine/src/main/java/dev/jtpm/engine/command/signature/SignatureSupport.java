package dev.jtpm.engine.command.signature;

import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmuSigScheme;

/** Checks shared by the signing commands (ms-tpm's IsSigningObject and CryptSelectSignScheme). */
final class SignatureSupport {
    private SignatureSupport() {}

    /** A chosen scheme and its hash. */
    record Scheme(int scheme, int hashAlg) {}

    /** ms-tpm IsSigningObject: sign set and not a symmetric cipher key. */
    static boolean isSigningKey(TpmObject key) {
        return key.attributes().signEncrypt() && key.publicArea().type() != TpmAlg.SYMCIPHER;
    }

    /**
     * ms-tpm CryptSelectSignScheme: the key's scheme when {@code in} is TPM_ALG_NULL; {@code in} when the
     * key has none; {@code in} when it equals the key's scheme and hash; otherwise null (TPM_RC_SCHEME).
     * A key whose scheme is ECDAA (split signing) needs {@code in} to name ECDAA too: the count is the
     * caller's.
     */
    static Scheme selectScheme(TpmObject key, TpmtSigScheme in) {
        int keyScheme = Signatures.keyScheme(key.publicArea());
        int keyHash = Signatures.keySchemeHash(key.publicArea());
        int inHash = switch (in.details()) {
            case TpmuSigScheme.Hash h -> h.hashAlg();
            case TpmuSigScheme.Ecdaa e -> e.hashAlg();
            default -> TpmAlg.NULL;
        };
        if (keyScheme == TpmAlg.NULL) return in.scheme() == TpmAlg.NULL ? null : new Scheme(in.scheme(), inHash);
        if (in.scheme() == TpmAlg.NULL) return keyScheme == TpmAlg.ECDAA ? null : new Scheme(keyScheme, keyHash);
        return in.scheme() == keyScheme && inHash == keyHash ? new Scheme(keyScheme, keyHash) : null;
    }
}
