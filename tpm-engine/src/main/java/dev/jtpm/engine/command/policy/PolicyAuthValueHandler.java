package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyAuthValue;

/**
 * TPM2_PolicyAuthValue (Part 3, 23.17): policyDigest := H(policyDigest || TPM_CC_PolicyAuthValue); the entity's
 * authValue then goes into the session's HMAC key (and a PolicyPassword before is undone).
 *
 * <p>Response codes: none of its own.
 */
public final class PolicyAuthValueHandler implements CommandHandler<PolicyAuthValue, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyAuthValue cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_AUTH_VALUE));
        session.authValueNeeded(true);
        session.passwordNeeded(false);
        return EmptyResponse.INSTANCE;
    }
}
