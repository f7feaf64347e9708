package dev.jtpm.engine.command.nv;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.NvIndices;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.TpmaNv;

/**
 * TPM2_NV_UndefineSpace (Part 3, 31.4).
 *
 * <p>Response codes: TPM_RC_ATTRIBUTES (handle 2) for an index with POLICY_DELETE; TPM_RC_NV_AUTHORIZATION when
 * the owner removes a PLATFORMCREATE index.
 */
public final class NvUndefineSpaceHandler implements CommandHandler<NvUndefineSpace, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvUndefineSpace cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        if (nv.has(TpmaNv.POLICY_DELETE)) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));
        if (cmd.authHandle() == TpmRh.OWNER && nv.has(TpmaNv.PLATFORMCREATE)) throw new TpmFailure(TpmRc.NV_AUTHORIZATION);
        NvIndices.delete(s, cmd.nvIndex());
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
