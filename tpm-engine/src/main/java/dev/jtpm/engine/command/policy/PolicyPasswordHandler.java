package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyPassword;

/**
 * TPM2_PolicyPassword (Part 3, 23.18): policyDigest := H(policyDigest || TPM_CC_PolicyAuthValue) — the code of
 * PolicyAuthValue, so that one policy serves both; the session's HMAC field then carries the entity's authValue
 * in the clear (and a PolicyAuthValue before is undone).
 *
 * <p>Response codes: none of its own.
 */
public final class PolicyPasswordHandler implements CommandHandler<PolicyPassword, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyPassword cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_AUTH_VALUE));
        session.passwordNeeded(true);
        session.authValueNeeded(false);
        return EmptyResponse.INSTANCE;
    }
}
