package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyNameHash;

/**
 * TPM2_PolicyNameHash (Part 3, 23.14): policyDigest := H(policyDigest || TPM_CC_PolicyNameHash || nameHash),
 * and the session may then authorize only a command whose handles' Names hash to nameHash.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 1): nameHash is not the size of the session's digest</li>
 *   <li>TPM_RC_CPHASH: the session already requires a cpHash, nameHash or templateHash (even the same one)</li>
 * </ul>
 */
public final class PolicyNameHashHandler implements CommandHandler<PolicyNameHash, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyNameHash cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation (a policy session is never bound, so ms-tpm's isBound test never fires here)
        if (cmd.nameHash().size() != session.digestSize()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        if (session.restrictKind() != RestrictKind.NONE) throw new TpmFailure(TpmRc.CPHASH);

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_NAME_HASH), cmd.nameHash().unsafeArray());
        session.restrict(RestrictKind.NAME_HASH, cmd.nameHash());
        return EmptyResponse.INSTANCE;
    }
}
