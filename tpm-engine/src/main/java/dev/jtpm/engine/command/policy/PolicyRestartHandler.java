package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyRestart;

/**
 * TPM2_PolicyRestart (Part 3, 11.2): the policy session returns to its initial state (a zero policyDigest, no
 * assertions), keeping its type, hash, nonces and bind attributes. As ms-tpm's SessionResetPolicyData, the
 * start time stays too: expirations of PolicySigned/PolicySecret remain relative to the nonceTPM they were
 * computed with.
 *
 * <p>Response codes: none of its own.
 */
public final class PolicyRestartHandler implements CommandHandler<PolicyRestart, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyRestart cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.sessionHandle());
        session.resetPolicy(session.startTime());
        return EmptyResponse.INSTANCE;
    }
}
