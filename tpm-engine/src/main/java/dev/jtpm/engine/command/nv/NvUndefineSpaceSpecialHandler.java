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
 * TPM2_NV_UndefineSpaceSpecial (Part 3, 31.5): removes a POLICY_DELETE index; the index is authorized with a
 * policy session (ADMIN role) and the platform. A response HMAC for the removed index is keyed with an empty
 * authValue (ms-tpm SessionRemoveAssociationToHandle).
 *
 * <p>Response codes: TPM_RC_ATTRIBUTES (handle 1) for an index without POLICY_DELETE.
 */
public final class NvUndefineSpaceSpecialHandler implements CommandHandler<NvUndefineSpaceSpecial, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvUndefineSpaceSpecial cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        if (!nv.has(TpmaNv.POLICY_DELETE)) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        NvIndices.delete(s, cmd.nvIndex());
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
