package dev.jtpm.engine.command.pcr;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PcrSetAuthPolicy;

/**
 * TPM2_PCR_SetAuthPolicy (Part 3, 22.7): sets the authPolicy (and its hash) of the policy group that
 * {@code pcrNum} belongs to. The PC Client platform has one group, PCRs 20..22 (ms-tpm and libtpms
 * PCRBelongsPolicyGroup). The policy is persistent; TPM_ALG_NULL with an empty digest removes it. A
 * PCR whose group has a policy is then authorized with a policy session only.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 1): authPolicy is not the size of hashAlg's digest (empty for TPM_ALG_NULL);</li>
 *   <li>TPM_RC_VALUE (parameter 3): pcrNum belongs to no policy group; from unmarshalling, not a PCR;</li>
 *   <li>TPM_RC_HASH (parameter 2): hashAlg is not an implemented hash or TPM_ALG_NULL (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1): authHandle is not TPM_RH_PLATFORM (unmarshalling);</li>
 *   <li>TPM_RC_HIERARCHY (handle 1), TPM_RC_BAD_AUTH (session 1): from the pipeline.</li>
 * </ul>
 */
public final class PcrSetAuthPolicyHandler implements CommandHandler<PcrSetAuthPolicy, EmptyResponse> {

    @Override
    public EmptyResponse execute(PcrSetAuthPolicy cmd, CommandContext ctx) {
        // input validation
        int size = cmd.hashAlg() == TpmAlg.NULL ? 0 : TpmAlg.digestSize(cmd.hashAlg());
        if (cmd.authPolicy().size() != size) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        if (!PcrAttributes.policyGroup(cmd.pcrNum())) throw new TpmFailure(TpmRc.VALUE.atParameter(3));

        // command output
        PersistentState p = ctx.state().persistent;
        p.pcrPolicyAlg = cmd.hashAlg();
        p.pcrPolicy = cmd.authPolicy();
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
