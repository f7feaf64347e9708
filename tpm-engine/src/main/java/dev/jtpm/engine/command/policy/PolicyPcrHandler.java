package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.structure.TpmlPcrSelection;

/**
 * TPM2_PolicyPCR (Part 3, 23.7): policyDigest := H(policyDigest || TPM_CC_PolicyPCR || pcrs || pcrDigest).
 *
 * <p>As ms-tpm's PCRComputeCurrentDigest, the selection is first filtered to the allocated PCRs (a bank that
 * is not allocated selects nothing), and it is the filtered selection that enters the policyDigest. The PCR
 * digest is H_authHash of the selected PCR values, bank by bank in the order given, PCRs ascending. A trial
 * session takes a non-empty pcrDigest as given; a policy session compares it with the current one and
 * records the PCR update counter, which authorization checks later.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_PCR_CHANGED: a previous PolicyPCR recorded a (non-zero) update counter and the PCRs changed since</li>
 *   <li>TPM_RC_VALUE (parameter 1): pcrDigest is not empty and is not the digest of the selected PCRs</li>
 * </ul>
 */
public final class PolicyPcrHandler implements CommandHandler<PolicyPcr, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyPcr cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        TpmlPcrSelection pcrs = allocatedOnly(s.pcrs, cmd.pcrs());
        Bytes pcrDigest = currentDigest(s.pcrs, session.authHash(), pcrs);

        // Input validation
        if (!session.isTrial()) {
            int counter = session.pcrCounter();
            if (counter != 0 && counter != s.pcrs.updateCounter()) throw new TpmFailure(TpmRc.PCR_CHANGED);
            if (!cmd.pcrDigest().isEmpty() && !cmd.pcrDigest().equals(pcrDigest)) {
                throw new TpmFailure(TpmRc.VALUE.atParameter(1));
            }
        } else if (!cmd.pcrDigest().isEmpty()) {
            pcrDigest = cmd.pcrDigest();
        }

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_PCR), TpmCodec.encode(pcrs), pcrDigest.unsafeArray());
        if (!session.isTrial()) session.pcrCounter(s.pcrs.updateCounter());
        return EmptyResponse.INSTANCE;
    }

    /** ms-tpm's FilterPcr on each selection: the bits of PCRs that are not allocated are cleared. */
    static TpmlPcrSelection allocatedOnly(PcrBanks banks, TpmlPcrSelection in) { return banks.filter(in); }

    /** H_hashAlg of the selected PCR values, in selection order, each bank's PCRs ascending. */
    static Bytes currentDigest(PcrBanks banks, int hashAlg, TpmlPcrSelection pcrs) { return banks.currentDigest(hashAlg, pcrs); }
}
