package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.ChangeEps;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_ChangeEPS (Part 3, 24.4): a new endorsement primary seed and proof (the EK changes), the
 * endorsement hierarchy enabled with empty auth and policy, its objects flushed.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless platform (by the codec).
 */
public final class ChangeEpsHandler implements CommandHandler<ChangeEps, EmptyResponse> {
    @Override
    public EmptyResponse execute(ChangeEps cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        p.eps = Secret.of(s.random(64).unsafeArray());
        // a libtpms seed replaced: libtpms derives from a new seed at its latest compatibility level
        if (p.epsDerivation == dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS_ORIGINAL) {
            p.epsDerivation = dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS;
        }
        p.ehProof = Secret.of(s.random(64).unsafeArray());
        s.stateClear = s.stateClear.withEhEnable(true);
        p.endorsementAuth = Secret.EMPTY;
        p.endorsementAlg = TpmAlg.NULL;
        p.endorsementPolicy = Bytes.EMPTY;
        HierarchySupport.flushObjects(s, TpmRh.ENDORSEMENT);
        s.removePersistentObjects(TpmRh.ENDORSEMENT);
        s.primaryKeys.clear(); // keys of the replaced seed
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
