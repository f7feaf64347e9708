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
 * TPM2_NV_Read (Part 3, 31.13).
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION, TPM_RC_NV_UNINITIALIZED
 * ({@link NvSupport#readAccess}); TPM_RC_VALUE (parameter 1) for a size over MAX_NV_BUFFER_SIZE; TPM_RC_VALUE
 * (parameter 2) for an offset beyond the index; TPM_RC_NV_RANGE for a range beyond its end.
 */
public final class NvReadHandler implements CommandHandler<NvRead, NvReadResponse> {

    @Override
    public NvReadResponse execute(NvRead cmd, CommandContext ctx) {
        NvIndex nv = NvSupport.index(ctx.state(), cmd.nvIndex());
        NvSupport.checkRead(cmd.authHandle(), nv);
        if (cmd.size() > TpmaNv.MAX_NV_BUFFER_SIZE) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        int size = nv.publicArea().dataSize();
        if (cmd.offset() > size) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        if (cmd.size() > size - cmd.offset()) throw new TpmFailure(TpmRc.NV_RANGE);
        return new NvReadResponse(Bytes.of(nv.data().unsafeArray(), cmd.offset(), cmd.size()));
    }
}
