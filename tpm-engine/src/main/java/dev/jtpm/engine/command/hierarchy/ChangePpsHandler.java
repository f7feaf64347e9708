package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.ChangePps;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_ChangePPS (Part 3, 24.5): a new platform primary seed and proof, platformPolicy emptied,
 * platform objects flushed (platformAuth stays).
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless platform (by the codec).
 */
public final class ChangePpsHandler implements CommandHandler<ChangePps, EmptyResponse> {
    @Override
    public EmptyResponse execute(ChangePps cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        p.pps = Secret.of(s.random(64).unsafeArray());
        // a libtpms seed replaced: libtpms derives from a new seed at its latest compatibility level
        if (p.ppsDerivation == dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS_ORIGINAL) {
            p.ppsDerivation = dev.jtpm.engine.state.PersistentState.DERIVATION_LIBTPMS;
        }
        p.phProof = Secret.of(s.random(64).unsafeArray());
        s.stateClear = s.stateClear.withPlatformPolicy(TpmAlg.NULL, Bytes.EMPTY);
        HierarchySupport.flushObjects(s, TpmRh.PLATFORM);
        s.removePersistentObjects(TpmRh.PLATFORM);
        s.primaryKeys.clear(); // keys of the replaced seed
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
