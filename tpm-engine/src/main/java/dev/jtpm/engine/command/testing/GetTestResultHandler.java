package dev.jtpm.engine.command.testing;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.GetTestResultResponse;

/**
 * TPM2_GetTestResult (Part 3, 10.4): the result of the self tests. Tests here never fail, so
 * testResult is TPM_RC_SUCCESS, and TPM_RC_FAILURE once the TPM is in failure mode (the pipeline
 * lets this command through then, even before TPM2_Startup). outData is empty: the reason for a
 * failure is logged, not reported.
 *
 * <p>Response codes: none of its own (the command itself always succeeds).
 */
public final class GetTestResultHandler implements CommandHandler<GetTestResult, GetTestResultResponse> {

    @Override
    public GetTestResultResponse execute(GetTestResult cmd, CommandContext ctx) {
        TpmRc result = ctx.state().failureMode ? TpmRc.FAILURE : TpmRc.SUCCESS;
        return new GetTestResultResponse(Bytes.EMPTY, result.value());
    }
}
