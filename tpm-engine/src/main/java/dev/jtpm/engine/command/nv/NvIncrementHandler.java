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
 * TPM2_NV_Increment (Part 3, 31.8): a counter not yet written starts from the TPM's maxCounter (the largest value a
 * deleted counter had), so counters never go backwards. An orderly counter lives in RAM; its first write and every
 * roll-over of its low MAX_ORDERLY_COUNT bits save the orderly RAM.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION ({@link NvSupport#writeAccess}); TPM_RC_ATTRIBUTES
 * (handle 2) for an index that is not a counter.
 */
public final class NvIncrementHandler implements CommandHandler<NvIncrement, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvIncrement cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        NvSupport.checkWrite(cmd.authHandle(), nv);
        if (nv.type() != TpmaNv.NT_COUNTER) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));

        long value = (nv.has(TpmaNv.WRITTEN) ? nv.u64() : s.persistent.nvMaxCounter) + 1;
        boolean changed = NvIndices.update(s, nv.withU64(value));
        if (nv.has(TpmaNv.ORDERLY) && (value & NvIndices.MAX_ORDERLY_COUNT) == 0) {
            NvIndices.saveOrderly(s);
            changed = true;
        }
        if (changed) ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
