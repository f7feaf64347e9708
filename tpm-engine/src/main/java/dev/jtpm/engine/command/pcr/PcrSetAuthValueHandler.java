package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PcrSetAuthValue;

/**
 * TPM2_PCR_SetAuthValue (Part 3, 22.8): sets the authValue of the authorization group that
 * {@code pcrHandle} belongs to (trailing zeros removed, as ms-tpm's MemoryRemoveTrailingZeros). The PC
 * Client platform has one group, PCRs 20..22 (PCRBelongsAuthGroup). The value is state-clear data: a
 * Resume keeps it, Startup(CLEAR) and TPM2_Clear empty it.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (no index, as ms-tpm and libtpms): the PCR belongs to no authorization group;</li>
 *   <li>TPM_RC_VALUE (handle 1): pcrHandle is not a PCR (unmarshalling);</li>
 *   <li>TPM_RC_SIZE (parameter 1): auth longer than a digest (unmarshalling);</li>
 *   <li>TPM_RC_BAD_AUTH (session 1): from the pipeline (PCRs are exempt from dictionary-attack protection).</li>
 * </ul>
 */
public final class PcrSetAuthValueHandler implements CommandHandler<PcrSetAuthValue, EmptyResponse> {

    @Override
    public EmptyResponse execute(PcrSetAuthValue cmd, CommandContext ctx) {
        // input validation
        if (!PcrAttributes.authGroup(cmd.pcrHandle())) throw new TpmFailure(TpmRc.VALUE);

        // command output
        ctx.state().pcrAuthValue = cmd.auth().trimTrailingZeros();
        return EmptyResponse.INSTANCE;
    }
}
