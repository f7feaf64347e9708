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
import dev.jtpm.types.Secret;

/**
 * TPM2_NV_ChangeAuth (Part 3, 31.15): a new authValue (trailing zeros removed); authorized with a policy session
 * (ADMIN role). The response HMAC is keyed with the new authValue.
 *
 * <p>Response codes: TPM_RC_SIZE (parameter 1) for newAuth longer than the nameAlg's digest.
 */
public final class NvChangeAuthHandler implements CommandHandler<NvChangeAuth, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvChangeAuth cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        Secret auth = cmd.newAuth().trimTrailingZeros();
        if (auth.size() > NvSupport.digestSize(nv.publicArea().nameAlg())) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        // the authValue is in the NV record for every index (ms-tpm NvWriteIndexAuth), the RAM copy follows
        NvIndex changed = nv.withAuth(auth);
        s.persistent.nvIndices.put(nv.handle(), s.persistent.nvIndices.get(nv.handle()).withAuth(auth));
        if (nv.has(TpmaNv.ORDERLY)) s.nvRam.put(nv.handle(), changed);
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
