package dev.jtpm.engine.command.context;

import dev.jtpm.crypto.ContextProtection;
import dev.jtpm.crypto.Unwrapped;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.session.SessionContexts;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmsContext;

/**
 * ContextSave and ContextLoad of loaded objects (Part 1, 30 "Context Management"): the object stays
 * loaded when saved; its context is protected (tpm-crypto's {@link ContextProtection}) with the proof
 * of the object's hierarchy and bound to the TPM Reset count, and for stClear objects (saved handle
 * 0x80000002) to the restart count as well, so it stops loading after a TPM Reset (stClear: after any
 * Startup(CLEAR)) and after the hierarchy's proof changes (TPM2_Clear, ChangeEPS/PPS). A saved object
 * may be loaded any number of times (Part 1: object contexts have no replay protection), each time into
 * a new transient handle.
 */
final class ObjectContexts {
    private ObjectContexts() {}

    /** TPMS_CONTEXT.savedHandle of an ordinary object, a sequence object and an stClear object. */
    static final int SAVED_OBJECT = 0x80000000, SAVED_SEQUENCE = 0x80000001, SAVED_ST_CLEAR = 0x80000002;

    private static byte[] binding(TpmState s, boolean stClear) {
        int r = s.persistent.resetCount, c = s.persistent.restartCount;
        return stClear ? new byte[] {(byte) (r >>> 24), (byte) (r >>> 16), (byte) (r >>> 8), (byte) r,
                (byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c}
                : new byte[] {(byte) (r >>> 24), (byte) (r >>> 16), (byte) (r >>> 8), (byte) r};
    }

    static TpmsContext save(TpmState s, TpmObject o) {
        boolean stClear = o.attributes().stClear();
        int saved = stClear ? SAVED_ST_CLEAR : SAVED_OBJECT;
        long sequence = s.contextCounter++;
        byte[] plain = o.marshal();
        Bytes blob = ContextProtection.protect(SessionContexts.INTEGRITY_HASH, SessionContexts.CIPHER,
                SessionContexts.CIPHER_BITS, Tickets.proof(s, o.hierarchy()), sequence, saved, binding(s, stClear),
                dev.jtpm.types.Secret.of(plain));
        java.util.Arrays.fill(plain, (byte) 0);
        return new TpmsContext(sequence, saved, o.hierarchy(), blob);
    }

    /** A hash, HMAC or event sequence in progress: in the NULL hierarchy (ms-tpm), bound to the TPM Reset count. */
    static TpmsContext save(TpmState s, dev.jtpm.engine.state.HashSequence seq) {
        long sequence = s.contextCounter++;
        byte[] plain = seq.marshal();
        Bytes blob = ContextProtection.protect(SessionContexts.INTEGRITY_HASH, SessionContexts.CIPHER,
                SessionContexts.CIPHER_BITS, Tickets.proof(s, TpmRh.NULL), sequence, SAVED_SEQUENCE, binding(s, false),
                dev.jtpm.types.Secret.of(plain));
        java.util.Arrays.fill(plain, (byte) 0);
        return new TpmsContext(sequence, SAVED_SEQUENCE, TpmRh.NULL, blob);
    }

    /**
     * Loads a saved object into the lowest free transient handle: TPM_RC_HIERARCHY (parameter 1) when its
     * hierarchy is disabled, TPM_RC_INTEGRITY (parameter 1) for a changed context or one whose proof or
     * reset binding no longer holds, TPM_RC_OBJECT_MEMORY when every slot is taken.
     */
    static int load(TpmState s, TpmsContext ctx) {
        int h = ctx.hierarchy();
        boolean enabled = switch (h) {
            case TpmRh.OWNER -> s.stateClear.shEnable();
            case TpmRh.ENDORSEMENT -> s.stateClear.ehEnable();
            case TpmRh.PLATFORM -> s.phEnable;
            case TpmRh.NULL -> true;
            default -> throw new TpmFailure(TpmRc.HIERARCHY.atParameter(1));
        };
        if (!enabled) throw new TpmFailure(TpmRc.HIERARCHY.atParameter(1));
        Unwrapped u = ContextProtection.unprotect(SessionContexts.INTEGRITY_HASH, SessionContexts.CIPHER,
                SessionContexts.CIPHER_BITS, Tickets.proof(s, h), ctx.sequence(), ctx.savedHandle(),
                binding(s, ctx.savedHandle() == SAVED_ST_CLEAR), ctx.contextBlob().unsafeArray());
        byte[] plain = switch (u) {
            case Unwrapped.Ok ok -> ok.plain().toArray();
            case Unwrapped.Refused r -> throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
        };
        if (ctx.savedHandle() == SAVED_SEQUENCE) {
            if (h != TpmRh.NULL) throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
            dev.jtpm.engine.state.HashSequence seq;
            try {
                seq = dev.jtpm.engine.state.HashSequence.unmarshal(plain);
            } catch (RuntimeException e) {
                throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
            return s.objects.add(seq);
        }
        TpmObject o;
        try {
            o = TpmObject.unmarshal(plain);
        } catch (TpmFailure e) {
            throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
        if (o.hierarchy() != h) throw new TpmFailure(TpmRc.INTEGRITY.atParameter(1));
        return s.objects.add(o);
    }
}
