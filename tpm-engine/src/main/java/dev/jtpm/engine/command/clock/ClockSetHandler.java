package dev.jtpm.engine.command.clock;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_ClockSet (Part 3, 29.2): Clock may only move forward, and not past its maximum.
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless owner or platform (TPMI_RH_PROVISION, checked
 * with the handle area); TPM_RC_VALUE (parameter 1)
 * when newTime is earlier than Clock or would overflow it.
 */
public final class ClockSetHandler implements CommandHandler<ClockSet, EmptyResponse> {
    @Override
    public EmptyResponse execute(ClockSet cmd, CommandContext ctx) {
        long now = ctx.state().clock();
        if (Long.compareUnsigned(cmd.newTime(), now) < 0 || cmd.newTime() == -1L) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }
        ctx.state().setClock(cmd.newTime());
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
