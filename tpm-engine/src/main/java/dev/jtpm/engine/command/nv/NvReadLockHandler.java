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
 * TPM2_NV_ReadLock (Part 3, 31.14): sets READLOCKED until the next Startup(CLEAR). An index already read-locked
 * answers success; an index not yet written may be locked.
 *
 * <p>Response codes: TPM_RC_NV_AUTHORIZATION ({@link NvSupport#readAccess}); TPM_RC_ATTRIBUTES (handle 2) for an
 * index without READ_STCLEAR.
 */
public final class NvReadLockHandler implements CommandHandler<NvReadLock, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvReadLock cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        TpmRc access = NvSupport.readAccess(cmd.authHandle(), nv);
        if (access != null && access.equals(TpmRc.NV_AUTHORIZATION)) throw new TpmFailure(access);
        if (access != null && access.equals(TpmRc.NV_LOCKED)) return EmptyResponse.INSTANCE;
        if (!nv.has(TpmaNv.READ_STCLEAR)) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));
        if (NvIndices.update(s, nv.withAttributes(nv.attributes() | TpmaNv.READLOCKED))) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
