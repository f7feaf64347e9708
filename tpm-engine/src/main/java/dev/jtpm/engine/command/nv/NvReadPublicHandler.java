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

/** TPM2_NV_ReadPublic (Part 3, 31.6): the public area and Name. No response code of its own. */
public final class NvReadPublicHandler implements CommandHandler<NvReadPublic, NvReadPublicResponse> {

    @Override
    public NvReadPublicResponse execute(NvReadPublic cmd, CommandContext ctx) {
        NvIndex nv = NvSupport.index(ctx.state(), cmd.nvIndex());
        return new NvReadPublicResponse(nv.publicArea(), nv.name());
    }
}
