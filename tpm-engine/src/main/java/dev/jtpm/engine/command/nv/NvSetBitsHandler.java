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
 * TPM2_NV_SetBits (Part 3, 31.10): data := data | bits, from 0 when not written.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION ({@link NvSupport#writeAccess}); TPM_RC_ATTRIBUTES
 * (handle 2) for an index that is not a bit field.
 */
public final class NvSetBitsHandler implements CommandHandler<NvSetBits, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvSetBits cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        NvSupport.checkWrite(cmd.authHandle(), nv);
        if (nv.type() != TpmaNv.NT_BITS) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));

        long old = nv.has(TpmaNv.WRITTEN) ? nv.u64() : 0;
        if (NvIndices.update(s, nv.withU64(old | cmd.bits()))) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
