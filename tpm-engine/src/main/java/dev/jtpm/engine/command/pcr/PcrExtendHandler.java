package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.structure.TpmtHa;

/**
 * TPM2_PCR_Extend (Part 3, 22.2): for each tagged digest, PCR := H<sub>alg</sub>(PCR || digest) in
 * the bank of that hash. Digests for banks in which the PCR is not allocated are ignored; with
 * pcrHandle TPM_RH_NULL nothing happens. pcrUpdateCounter grows once per bank changed, except for
 * the PCRs exempt from counting (TPM_PT_PCR_NO_INCREMENT: PCRs 16, 21, 22 and 23), as libtpms does.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): pcrHandle is neither a PCR (0..23) nor TPM_RH_NULL (TPMI_DH_PCR+,
 *       checked with the handle area)</li>
 *   <li>TPM_RC_LOCALITY: the command's locality may not extend this PCR (PC Client PCR attributes)</li>
 *   <li>TPM_RC_HASH (parameter 1): a digest is tagged with a hash this TPM does not implement</li>
 *   <li>TPM_RC_SIZE (parameter 1): more than HASH_COUNT digests</li>
 * </ul>
 */
public final class PcrExtendHandler implements CommandHandler<PcrExtend, EmptyResponse> {

    @Override
    public EmptyResponse execute(PcrExtend cmd, CommandContext ctx) {
        // input validation
        int pcr = PcrSupport.pcrNumber(cmd.pcrHandle());
        if (pcr == PcrSupport.NULL_PCR) return EmptyResponse.INSTANCE;
        PcrSupport.checkExtendLocality(pcr, ctx.locality());

        // command output
        for (TpmtHa d : cmd.digests().digests()) {
            PcrSupport.extend(ctx.state().pcrs, pcr, d.hashAlg(), d.digest());
        }
        return EmptyResponse.INSTANCE;
    }
}
