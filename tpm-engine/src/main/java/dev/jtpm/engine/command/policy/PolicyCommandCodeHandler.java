package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyCommandCode;
import java.util.function.IntPredicate;

/**
 * TPM2_PolicyCommandCode (Part 3, 23.11): policyDigest := H(policyDigest || TPM_CC_PolicyCommandCode || code),
 * and the session may then authorize only {@code code}.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 1): the session is already restricted to another command</li>
 *   <li>TPM_RC_POLICY_CC (parameter 1): {@code code} is not a command this TPM implements (as ms-tpm's
 *       CommandCodeToCommandIndex)</li>
 * </ul>
 */
public final class PolicyCommandCodeHandler implements CommandHandler<PolicyCommandCode, EmptyResponse> {
    private final IntPredicate implemented;

    /** @param implemented whether a TPM_CC is implemented (the engine's command table) */
    public PolicyCommandCodeHandler(IntPredicate implemented) { this.implemented = implemented; }

    @Override
    public EmptyResponse execute(PolicyCommandCode cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (session.commandCode() != 0 && session.commandCode() != cmd.code()) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }
        if (!implemented.test(cmd.code())) throw new TpmFailure(TpmRc.POLICY_CC.atParameter(1));

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_COMMAND_CODE), PolicySupport.u32(cmd.code()));
        session.commandCode(cmd.code());
        return EmptyResponse.INSTANCE;
    }
}
