package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyCpHash;

/**
 * TPM2_PolicyCpHash (Part 3, 23.13): policyDigest := H(policyDigest || TPM_CC_PolicyCpHash || cpHashA), and
 * the session may then authorize only a command with that cpHash.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 1): cpHashA is not the size of the session's digest</li>
 *   <li>TPM_RC_CPHASH: the session already requires another cpHash, or a nameHash or templateHash</li>
 * </ul>
 */
public final class PolicyCpHashHandler implements CommandHandler<PolicyCpHash, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyCpHash cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (cmd.cpHashA().size() != session.digestSize()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        if (session.restrictKind() != RestrictKind.NONE
                && (session.restrictKind() != RestrictKind.CP_HASH || !cmd.cpHashA().equals(session.restrictHash()))) {
            throw new TpmFailure(TpmRc.CPHASH);
        }

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_CP_HASH), cmd.cpHashA().unsafeArray());
        session.restrict(RestrictKind.CP_HASH, cmd.cpHashA());
        return EmptyResponse.INSTANCE;
    }
}
