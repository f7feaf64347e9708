package dev.jtpm.engine.command.testing;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.SelfTest;

/**
 * TPM2_SelfTest (Part 3, 10.2): tests every implemented algorithm ({@code fullTest} YES) or those
 * not yet tested (NO). Testing here is instantaneous and passes, so the command never answers
 * TPM_RC_TESTING and afterwards TPM2_IncrementalSelfTest reports nothing left to do.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) when fullTest is not a TPMI_YES_NO (by the codec).
 */
public final class SelfTestHandler implements CommandHandler<SelfTest, EmptyResponse> {

    @Override
    public EmptyResponse execute(SelfTest cmd, CommandContext ctx) {
        SelfTests.testAll(ctx.state());
        return EmptyResponse.INSTANCE;
    }
}
