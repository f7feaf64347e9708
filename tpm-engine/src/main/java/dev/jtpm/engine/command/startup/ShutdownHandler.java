package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.Shutdown;
import java.util.Arrays;

/**
 * TPM2_Shutdown (Part 3, 9.4): records an orderly shutdown; STATE also saves PCRs 0..15 and the
 * PCR update counter for a later Startup(STATE). Either saves the RAM of orderly NV indices.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) for an unknown shutdownType; TPM_RC_TYPE
 * (parameter 1) for STATE after TPM2_PCR_Allocate changed the banks in this cycle (the saved PCRs
 * would not fit the new allocation).
 */
public final class ShutdownHandler implements CommandHandler<Shutdown, EmptyResponse> {

    @Override
    public EmptyResponse execute(Shutdown cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int type = cmd.shutdownType();
        if (type != TpmSu.CLEAR && type != TpmSu.STATE) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        if (type == TpmSu.STATE && !Arrays.equals(s.persistent.pcrAllocation, s.pcrs.allocation())) {
            throw new TpmFailure(TpmRc.TYPE.atParameter(1));
        }
        dev.jtpm.engine.state.NvIndices.saveOrderly(s);   // ms-tpm NvUpdateIndexOrderlyData
        s.persistent.orderlyData = type == TpmSu.STATE ? OrderlyData.save(s) : Bytes.EMPTY;
        s.persistent.orderlyState = type;
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
