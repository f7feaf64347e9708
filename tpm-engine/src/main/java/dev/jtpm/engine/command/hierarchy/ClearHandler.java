package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.Clear;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_Clear (Part 3, 24.6): a new storage primary seed and new storage and endorsement proofs
 * (so keys and saved contexts of those hierarchies are gone), owner/endorsement/lockout auth and
 * policies emptied, both hierarchies enabled, their objects flushed, dictionary-attack parameters
 * back to their defaults, Clock reset to zero, reset and restart counts zeroed. The endorsement
 * seed stays.
 *
 * <p>Response codes: TPM_RC_DISABLED when TPM2_ClearControl disabled it; TPM_RC_VALUE (handle 1)
 * unless lockout or platform (by the codec).
 */
public final class ClearHandler implements CommandHandler<Clear, EmptyResponse> {
    @Override
    public EmptyResponse execute(Clear cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        if (p.disableClear) throw new TpmFailure(TpmRc.DISABLED);
        p.sps = Secret.of(s.random(64).unsafeArray());
        // a libtpms seed replaced: libtpms derives from a new seed at its latest compatibility level
        if (p.spsDerivation == dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS_ORIGINAL) {
            p.spsDerivation = dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS;
        }
        p.shProof = Secret.of(s.random(64).unsafeArray());
        p.ehProof = Secret.of(s.random(64).unsafeArray());
        s.stateClear = s.stateClear.withShEnable(true).withEhEnable(true);
        p.ownerAuth = p.endorsementAuth = p.lockoutAuth = Secret.EMPTY;
        p.ownerAlg = p.endorsementAlg = p.lockoutAlg = TpmAlg.NULL;
        p.ownerPolicy = p.endorsementPolicy = p.lockoutPolicy = Bytes.EMPTY;
        HierarchySupport.flushObjects(s, TpmRh.OWNER);
        HierarchySupport.flushObjects(s, TpmRh.ENDORSEMENT);
        s.removePersistentObjects(TpmRh.OWNER);
        s.removePersistentObjects(TpmRh.ENDORSEMENT);
        dev.jtpm.engine.state.NvIndices.flushOwnerIndices(s);   // ms-tpm NvFlushHierarchy(TPM_RH_OWNER)
        PersistentState defaults = new PersistentState();
        p.failedTries = defaults.failedTries;
        p.maxTries = defaults.maxTries;
        p.recoveryTime = defaults.recoveryTime;
        p.lockoutRecovery = defaults.lockoutRecovery;
        p.lockoutAuthEnabled = defaults.lockoutAuthEnabled;
        s.setClock(0);
        p.clockSafe = true;
        p.resetCount = 0;
        p.restartCount = 0;
        p.auditCounter = 0;
        s.pcrAuthValue = Secret.EMPTY;        // ms-tpm PCR_ClearAuth
        s.pcrs.changed();
        s.primaryKeys.clear(); // keys of the replaced seed
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
