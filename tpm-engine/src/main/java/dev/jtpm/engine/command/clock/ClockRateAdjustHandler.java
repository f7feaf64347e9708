package dev.jtpm.engine.command.clock;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ClockRateAdjust;
import dev.jtpm.types.command.EmptyResponse;

/**
 * TPM2_ClockRateAdjust (Part 3, 29.3). A virtual TPM's Clock follows the host's monotonic clock
 * exactly, so the adjustment is accepted and has no effect, as the specification permits
 * ("the TPM may not be able to adjust the rate").
 *
 * <p>Response codes: TPM_RC_VALUE (handle 1) unless owner or platform (TPMI_RH_PROVISION, checked
 * with the handle area); TPM_RC_VALUE
 * (parameter 1) for a value that is not a TPM_CLOCK_ADJUST (-3..3).
 */
public final class ClockRateAdjustHandler implements CommandHandler<ClockRateAdjust, EmptyResponse> {
    @Override
    public EmptyResponse execute(ClockRateAdjust cmd, CommandContext ctx) {
        int adjust = (byte) cmd.rateAdjust();
        if (adjust < -3 || adjust > 3) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        return EmptyResponse.INSTANCE;
    }
}
