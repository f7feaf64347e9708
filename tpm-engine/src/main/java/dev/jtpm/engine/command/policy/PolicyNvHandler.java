package dev.jtpm.engine.command.policy;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.nv.NvSupport;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyNv;
import java.util.Arrays;

/**
 * TPM2_PolicyNV (Part 3, 23.9): the assertion {@code NV[offset..] operation operandB} on an NV index;
 * policyDigest := H(policyDigest || TPM_CC_PolicyNV || H(operandB || offset || operation) || nvIndex Name). A trial
 * session skips the checks.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION, TPM_RC_NV_UNINITIALIZED (the read checks of
 * {@link NvSupport#readAccess}); TPM_RC_VALUE (parameter 2) for an offset beyond the index; TPM_RC_SIZE (parameter
 * 1) for an operandB longer than the data from offset; TPM_RC_POLICY when the comparison fails.
 */
public final class PolicyNvHandler implements CommandHandler<PolicyNv, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyNv cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());

        // input validation
        if (!session.isTrial()) {
            NvSupport.checkRead(cmd.authHandle(), nv);
            int size = nv.publicArea().dataSize();
            if (cmd.offset() > size) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
            if (size - cmd.offset() < cmd.operandB().size()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
            byte[] opA = Arrays.copyOfRange(nv.data().unsafeArray(), cmd.offset(), cmd.offset() + cmd.operandB().size());
            if (!PolicySupport.checkCondition(cmd.operation(), opA, cmd.operandB().unsafeArray())) {
                throw new TpmFailure(TpmRc.POLICY);
            }
        }

        // command output
        // CryptDigestUpdate2B adds the buffer without its size
        byte[] args = Hashes.hash(session.authHash(), cmd.operandB().unsafeArray(), PolicySupport.u16(cmd.offset()),
                PolicySupport.u16(cmd.operation()));
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_NV), args, nv.name().unsafeArray());
        return EmptyResponse.INSTANCE;
    }
}
