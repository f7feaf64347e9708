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
 * TPM2_NV_WriteLock (Part 3, 31.11): sets WRITELOCKED (until the next Startup(CLEAR) for WRITE_STCLEAR; for good,
 * once written, for WRITEDEFINE). An index already locked answers success.
 *
 * <p>Response codes: TPM_RC_NV_AUTHORIZATION ({@link NvSupport#writeAccess}); TPM_RC_ATTRIBUTES (handle 2) for an
 * index with neither WRITEDEFINE nor WRITE_STCLEAR.
 */
public final class NvWriteLockHandler implements CommandHandler<NvWriteLock, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvWriteLock cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        TpmRc access = NvSupport.writeAccess(cmd.authHandle(), nv);
        if (access != null) {
            if (access.equals(TpmRc.NV_AUTHORIZATION)) throw new TpmFailure(access);
            return EmptyResponse.INSTANCE;
        }
        if (!nv.has(TpmaNv.WRITEDEFINE) && !nv.has(TpmaNv.WRITE_STCLEAR)) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));
        if (NvIndices.update(s, nv.withAttributes(nv.attributes() | TpmaNv.WRITELOCKED))) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
