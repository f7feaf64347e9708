package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.clock.ReadClockHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyCounterTimer;
import java.util.Arrays;

/**
 * TPM2_PolicyCounterTimer (Part 3, 23.10): gates a policy on the octets {@code offset ..} of the marshalled
 * TPMS_TIME_INFO (time, clock, resetCount, restartCount, safe: 25 octets) compared with operandB by
 * {@code operation}; policyDigest := H(policyDigest || TPM_CC_PolicyCounterTimer || args), args :=
 * H(operandB || offset || operation). A trial session skips the comparison, not the bounds.
 *
 * <p>Response codes, in ms-tpm's order:
 * <ul>
 *   <li>TPM_RC_VALUE (parameter 2): offset lies beyond TPMS_TIME_INFO</li>
 *   <li>TPM_RC_RANGE (no index, as ms-tpm): offset + the size of operandB lies beyond TPMS_TIME_INFO</li>
 *   <li>TPM_RC_POLICY: a policy session, and the comparison is false</li>
 * </ul>
 * (TPM_RC_VALUE for an undefined operation comes from unmarshalling, parameter 3.)
 */
public final class PolicyCounterTimerHandler implements CommandHandler<PolicyCounterTimer, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyCounterTimer cmd, CommandContext ctx) {
        byte[] timeInfo = TpmCodec.encode(ReadClockHandler.timeInfo(ctx.state()));
        byte[] operandB = cmd.operandB().unsafeArray();

        // Input validation
        if (cmd.offset() > timeInfo.length) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        if (cmd.offset() + operandB.length > timeInfo.length) throw new TpmFailure(TpmRc.RANGE);
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());
        // (ms-tpm also wants NV available when time or clock is compared; jtpm's NV always is)
        if (!session.isTrial()) {
            byte[] operandA = Arrays.copyOfRange(timeInfo, cmd.offset(), cmd.offset() + operandB.length);
            if (!PolicySupport.checkCondition(cmd.operation(), operandA, operandB)) throw new TpmFailure(TpmRc.POLICY);
        }

        // Command output
        byte[] args = Hashes.hash(session.authHash(), operandB, PolicySupport.u16(cmd.offset()), PolicySupport.u16(cmd.operation()));
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_COUNTER_TIMER), args);
        return EmptyResponse.INSTANCE;
    }
}
