package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyPhysicalPresence;

/**
 * TPM2_PolicyPhysicalPresence (Part 3, 23.12): policyDigest := H(policyDigest || TPM_CC_PolicyPhysicalPresence),
 * and physical presence must be asserted when the session authorizes (jtpm has no presence pin yet).
 *
 * <p>Response codes: none of its own.
 */
public final class PolicyPhysicalPresenceHandler implements CommandHandler<PolicyPhysicalPresence, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyPhysicalPresence cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_PHYSICAL_PRESENCE));
        session.ppRequired(true);
        return EmptyResponse.INSTANCE;
    }
}
