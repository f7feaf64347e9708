package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyOr;

/**
 * TPM2_PolicyOR (Part 3, 23.6): when the policyDigest is one of pHashList (a trial session takes any),
 * policyDigest := H(0...0 || TPM_CC_PolicyOR || pHashList digests), the zeros as long as the session's digest.
 * The list's size (two to eight) is checked while unmarshalling (TPM_RC_SIZE, parameter 1).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 1): a policy session whose policyDigest is none of the list</li>
 * </ul>
 */
public final class PolicyOrHandler implements CommandHandler<PolicyOr, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyOr cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (!session.isTrial() && !cmd.pHashList().contains(session.policyDigest())) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }

        // Command output
        byte[][] parts = new byte[cmd.pHashList().size() + 1][];
        parts[0] = PolicySupport.u32(TpmCc.POLICY_OR);
        for (int i = 0; i < cmd.pHashList().size(); i++) parts[i + 1] = cmd.pHashList().get(i).unsafeArray();
        session.policyDigest(Bytes.zeros(session.digestSize()));
        PolicySupport.extend(session, parts);
        return EmptyResponse.INSTANCE;
    }
}
