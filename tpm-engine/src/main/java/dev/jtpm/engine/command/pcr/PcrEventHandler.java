package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.PcrEvent;
import dev.jtpm.types.command.PcrEventResponse;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmtHa;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_PCR_Event (Part 3, 22.3): hashes eventData (0..1024 octets) with each hash the TPM
 * implements, extends each digest into the PCR's bank of that hash where the PCR is allocated (as
 * {@link PcrExtendHandler} does), and returns the digests. With pcrHandle TPM_RH_NULL nothing is
 * extended but the digests are still returned.
 *
 * <p>Part 3 lets a TPM return a digest for every bank or only for the banks in which the PCR is
 * allocated; this one returns one digest per implemented hash (SHA-1, SHA-256, SHA-384, SHA-512),
 * as ms-tpm-20-ref and libtpms (hence swtpm) do, so that clients see the same list from both.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (handle 1): pcrHandle is neither a PCR (0..23) nor TPM_RH_NULL (TPMI_DH_PCR+,
 *       checked with the handle area)</li>
 *   <li>TPM_RC_LOCALITY: the command's locality may not extend this PCR</li>
 *   <li>TPM_RC_SIZE (parameter 1): eventData is longer than 1024 octets</li>
 * </ul>
 */
public final class PcrEventHandler implements CommandHandler<PcrEvent, PcrEventResponse> {

    @Override
    public PcrEventResponse execute(PcrEvent cmd, CommandContext ctx) {
        // input validation
        int pcr = PcrSupport.pcrNumber(cmd.pcrHandle());
        if (pcr != PcrSupport.NULL_PCR) PcrSupport.checkExtendLocality(pcr, ctx.locality());

        // command output
        PcrBanks pcrs = ctx.state().pcrs;
        List<TpmtHa> digests = new ArrayList<>(TpmiAlgHash.IMPLEMENTED.length);
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            Bytes digest = Bytes.wrap(PcrBanks.digest(alg).digest(cmd.eventData().unsafeArray()));
            digests.add(new TpmtHa(alg, digest));
            if (pcr != PcrSupport.NULL_PCR) PcrSupport.extend(pcrs, pcr, alg, digest);
        }
        return new PcrEventResponse(new TpmlDigestValues(digests));
    }
}
