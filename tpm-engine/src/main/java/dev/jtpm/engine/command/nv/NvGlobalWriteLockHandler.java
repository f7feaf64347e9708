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

/** TPM2_NV_GlobalWriteLock (Part 3, 31.12): write-locks every index with GLOBALLOCK. No response code of its own. */
public final class NvGlobalWriteLockHandler implements CommandHandler<NvGlobalWriteLock, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvGlobalWriteLock cmd, CommandContext ctx) {
        if (NvIndices.globalLock(ctx.state())) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
