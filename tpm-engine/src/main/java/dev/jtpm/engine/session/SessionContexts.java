package dev.jtpm.engine.session;

import dev.jtpm.crypto.ContextProtection;
import dev.jtpm.crypto.Unwrapped;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmsContext;

/**
 * ContextSave and ContextLoad of sessions (Part 1, 30 "Context Management"): a saved session stays
 * active but leaves its slot; its context is protected with the null hierarchy's proof (so it dies
 * with a TPM Reset) and can be loaded once — the sequence number is the replay protection.
 */
public final class SessionContexts {
    private SessionContexts() {}

    /** CONTEXT_INTEGRITY_HASH_ALG, CONTEXT_ENCRYPT_ALG and its key size. */
    public static final int INTEGRITY_HASH = TpmAlg.SHA512, CIPHER = TpmAlg.AES, CIPHER_BITS = 256; // as libtpms

    static byte[] resetBinding(TpmState s) {
        int r = s.persistent.resetCount;
        return new byte[] {(byte) (r >>> 24), (byte) (r >>> 16), (byte) (r >>> 8), (byte) r};
    }

    /** Saves a loaded session; it is then active but not loaded. */
    public static TpmsContext save(TpmState s, int handle) {
        AuthSession session = s.sessions.get(handle);
        long sequence = s.contextCounter++;
        var blob = ContextProtection.protect(INTEGRITY_HASH, CIPHER, CIPHER_BITS, s.nullProof, sequence, handle,
                resetBinding(s), Secret.of(SessionContext.of(session).encode()));
        s.sessions.markSaved(handle, sequence);
        return new TpmsContext(sequence, handle, TpmRh.NULL, blob);
    }

    /**
     * Loads a saved session back into its handle.
     *
     * @throws TpmFailure TPM_RC_HANDLE (parameter 1) when no session is saved at that handle, or the
     *     context is not its latest one; TPM_RC_INTEGRITY (parameter 1) for a context that was changed
     *     or belongs to another TPM Reset cycle; TPM_RC_SESSION_MEMORY when every slot is taken
     */
    public static int load(TpmState s, TpmsContext ctx) {
        int handle = ctx.savedHandle();
        Long expected = s.sessions.savedSequence(handle);
        if (expected == null || expected != ctx.sequence() || ctx.hierarchy() != TpmRh.NULL) {
            throw new TpmFailure(TpmRc.HANDLE.atParameter(1));
        }
        Unwrapped u = ContextProtection.unprotect(INTEGRITY_HASH, CIPHER, CIPHER_BITS, s.nullProof, ctx.sequence(), handle,
                resetBinding(s), ctx.contextBlob().unsafeArray());
        byte[] plain = switch (u) {
            case Unwrapped.Ok ok -> ok.plain().toArray();
            case Unwrapped.Refused r -> throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
        };
        s.sessions.restore(handle, SessionContext.decode(plain).toSession());
        return handle;
    }
}
