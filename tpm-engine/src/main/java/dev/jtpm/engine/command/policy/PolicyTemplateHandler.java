package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthSession.RestrictKind;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyTemplate;

/**
 * TPM2_PolicyTemplate (Part 3, 23.21): policyDigest := H(policyDigest || TPM_CC_PolicyTemplate || templateHash),
 * and the session may then authorize only the creation of an object from a template with that digest.
 *
 * <p>Response codes, in ms-tpm's order:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 1): the session already requires another templateHash</li>
 *   <li>TPM_RC_CPHASH: the session already requires a cpHash or nameHash</li>
 *   <li>TPM_RC_SIZE (parameter 1): templateHash is not the size of the session's digest</li>
 * </ul>
 */
public final class PolicyTemplateHandler implements CommandHandler<PolicyTemplate, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyTemplate cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (session.restrictKind() == RestrictKind.TEMPLATE_HASH) {
            if (!cmd.templateHash().equals(session.restrictHash())) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        } else if (session.restrictKind() != RestrictKind.NONE) {
            throw new TpmFailure(TpmRc.CPHASH);
        }
        if (cmd.templateHash().size() != session.digestSize()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_TEMPLATE), cmd.templateHash().unsafeArray());
        session.restrict(RestrictKind.TEMPLATE_HASH, cmd.templateHash());
        return EmptyResponse.INSTANCE;
    }
}
