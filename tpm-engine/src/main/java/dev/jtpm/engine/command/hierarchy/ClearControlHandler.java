package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.ClearControl;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_ClearControl (Part 3, 24.7): sets or clears TPMA_PERMANENT.disableClear. lockoutAuth may
 * only set it; platformAuth may do both.
 *
 * <p>Response codes: TPM_RC_AUTH_FAIL when lockout tries to clear disableClear (as the reference
 * implementation answers); TPM_RC_VALUE (handle 1) unless lockout or platform (by the codec).
 */
public final class ClearControlHandler implements CommandHandler<ClearControl, EmptyResponse> {
    @Override
    public EmptyResponse execute(ClearControl cmd, CommandContext ctx) {
        if (cmd.auth() == TpmRh.LOCKOUT && !cmd.disable()) throw new TpmFailure(TpmRc.AUTH_FAIL);
        ctx.state().persistent.disableClear = cmd.disable();
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
