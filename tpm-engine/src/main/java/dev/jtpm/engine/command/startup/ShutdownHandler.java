package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * TPM2_Shutdown (Part 3, 9.4): records an orderly shutdown; STATE also saves PCRs 0..15 and the
 * PCR update counter for a later Startup(STATE).
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) for an unknown shutdownType.
 */
public final class ShutdownHandler implements CommandHandler<Shutdown, EmptyResponse> {

    @Override
    public EmptyResponse execute(Shutdown cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int type = cmd.shutdownType();
        if (type != TpmSu.CLEAR && type != TpmSu.STATE) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        if (type == TpmSu.STATE) {
            TpmWriter w = new TpmWriter(2048);
            w.u32(s.pcrs.updateCounter());
            for (int alg : TpmiAlgHash.IMPLEMENTED) {
                for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                    if (PcrAttributes.stateSave(pcr)) w.sized(s.pcrs.read(alg, pcr));
                }
            }
            s.persistent.orderlyData = dev.jtpm.types.Bytes.wrap(w.toByteArray());
        } else {
            s.persistent.orderlyData = dev.jtpm.types.Bytes.EMPTY;
        }
        s.persistent.orderlyState = type;
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
