package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.PolicyGetDigestResponse;

/**
 * TPM2_PolicyGetDigest (Part 3, 23.19): the current policyDigest of a policy or trial session.
 *
 * <p>Response codes: none of its own.
 */
public final class PolicyGetDigestHandler implements CommandHandler<PolicyGetDigest, PolicyGetDigestResponse> {

    @Override
    public PolicyGetDigestResponse execute(PolicyGetDigest cmd, CommandContext ctx) {
        return new PolicyGetDigestResponse(PolicySupport.session(ctx.state(), cmd.policySession()).policyDigest());
    }
}
