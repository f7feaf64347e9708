package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PcrReset;

/**
 * TPM2_PCR_Reset (Part 3, 22.8): sets the PCR to zero in every bank in which it is allocated, if
 * the PC Client PCR attributes let the command's locality reset it: PCRs 16 and 23 from
 * localities 0..3, PCRs 20..22 from locality 2; PCRs 0..15 never. As in ms-tpm-20-ref on a D-RTM
 * platform, no PCR is reset by this command at locality 4 (PCRs 17..22 are reset by
 * _TPM_Hash_Start). pcrUpdateCounter grows by one unless the PCR is exempt (PCRs 16, 21, 22 and 23;
 * {@link dev.jtpm.engine.state.PcrAttributes#noIncrement}).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): pcrHandle is not a PCR (TPMI_DH_PCR, no TPM_RH_NULL; checked with
 *       the handle area)</li>
 *   <li>TPM_RC_LOCALITY: the command's locality may not reset this PCR</li>
 * </ul>
 */
public final class PcrResetHandler implements CommandHandler<PcrReset, EmptyResponse> {

    @Override
    public EmptyResponse execute(PcrReset cmd, CommandContext ctx) {
        // input validation
        int pcr = PcrSupport.pcrNumber(cmd.pcrHandle());
        PcrSupport.checkResetLocality(pcr, ctx.locality());

        // command output
        PcrSupport.reset(ctx.state().pcrs, pcr);
        return EmptyResponse.INSTANCE;
    }
}
