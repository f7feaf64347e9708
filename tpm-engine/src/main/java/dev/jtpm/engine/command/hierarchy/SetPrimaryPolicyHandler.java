package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.SetPrimaryPolicy;

/**
 * TPM2_SetPrimaryPolicy (Part 3, 24.7): sets the authPolicy of the owner, endorsement, platform or
 * lockout hierarchy (an empty policy with TPM_ALG_NULL removes it).
 *
 * <p>Response codes: TPM_RC_SIZE (parameter 1) when the policy's size is not the digest size of
 * hashAlg; TPM_RC_VALUE (handle 1) for ACT handles (this TPM has no ACTs) and other handles.
 */
public final class SetPrimaryPolicyHandler implements CommandHandler<SetPrimaryPolicy, EmptyResponse> {
    @Override
    public EmptyResponse execute(SetPrimaryPolicy cmd, CommandContext ctx) {
        int size = cmd.hashAlg() == TpmAlg.NULL ? 0 : TpmAlg.digestSize(cmd.hashAlg());
        if (cmd.authPolicy().size() != size) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        switch (cmd.authHandle()) {
            case TpmRh.OWNER -> { p.ownerAlg = cmd.hashAlg(); p.ownerPolicy = cmd.authPolicy(); }
            case TpmRh.ENDORSEMENT -> { p.endorsementAlg = cmd.hashAlg(); p.endorsementPolicy = cmd.authPolicy(); }
            case TpmRh.LOCKOUT -> { p.lockoutAlg = cmd.hashAlg(); p.lockoutPolicy = cmd.authPolicy(); }
            case TpmRh.PLATFORM -> s.stateClear = s.stateClear.withPlatformPolicy(cmd.hashAlg(), cmd.authPolicy());
            default -> throw new TpmFailure(TpmRc.VALUE.atHandle(1));
        }
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
