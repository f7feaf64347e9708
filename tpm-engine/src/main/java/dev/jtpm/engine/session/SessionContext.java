package dev.jtpm.engine.session;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;

/**
 * The marshalled form of an {@link AuthSession} inside a saved context (the engine's own format;
 * a context blob is only ever loaded by the TPM that saved it).
 */
record SessionContext(@U8 int type, @U16 int authHash, Secret sessionKey, boolean bound, Bytes boundName,
                      Secret boundAuth, Bytes nonceTpm, Bytes nonceCaller, Bytes policyDigest, @U16 int symmetric,
                      @U16 int symmetricKeyBitsOrHash, AuthSession.Assertions assertions) {

    static SessionContext of(AuthSession s) {
        return new SessionContext(s.type(), s.authHash(), s.sessionKey(), s.boundName() != null,
                s.boundName() == null ? Bytes.EMPTY : s.boundName(), s.boundAuth(), s.nonceTpm(), s.nonceCaller(),
                s.policyDigest(), s.symmetric(),
                s.symmetric() == dev.jtpm.types.TpmAlg.XOR ? s.symmetricHash() : s.symmetricKeyBits(), s.assertions());
    }

    AuthSession toSession() {
        AuthSession s = new AuthSession(type, authHash, sessionKey, bound ? boundName : null, nonceTpm, nonceCaller);
        s.boundAuth(boundAuth);
        s.policyDigest(policyDigest);
        s.symmetric(symmetric, symmetricKeyBitsOrHash);
        s.assertions(assertions);
        return s;
    }

    byte[] encode() { return TpmCodec.encode(this); }

    static SessionContext decode(byte[] b) {
        try {
            return TpmCodec.decode(SessionContext.class, b);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
        }
    }
}
