package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyNvWritten;

/**
 * TPM2_PolicyNvWritten (Part 3, 23.20): policyDigest := H(policyDigest || TPM_CC_PolicyNvWritten || writtenSet),
 * and the authorized NV index's TPMA_NV_WRITTEN must then be writtenSet.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 1): an earlier PolicyNvWritten asked for the other state</li>
 * </ul>
 */
public final class PolicyNvWrittenHandler implements CommandHandler<PolicyNvWritten, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyNvWritten cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());

        // Input validation
        if (session.checkNvWritten() && session.nvWrittenState() != cmd.writtenSet()) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }

        // Command output
        session.nvWritten(true, cmd.writtenSet());
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_NV_WRITTEN), new byte[] {(byte) (cmd.writtenSet() ? 1 : 0)});
        return EmptyResponse.INSTANCE;
    }
}
