package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.nv.NvSupport;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyAuthorizeNv;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * TPM2_PolicyAuthorizeNV (Part 3, 23.22): the policy so far must be the TPMT_HA an NV index holds; then
 * policyDigest := H(0...0 || TPM_CC_PolicyAuthorizeNV || nvIndex Name). A trial session skips the checks.
 *
 * <p>Response codes: TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION, TPM_RC_NV_UNINITIALIZED ({@link NvSupport#readAccess});
 * TPM_RC_HASH when the index does not begin with an implemented hash algorithm, or names another one than the
 * session's; TPM_RC_INSUFFICIENT when it is shorter than that digest; TPM_RC_VALUE when the digest differs.
 */
public final class PolicyAuthorizeNvHandler implements CommandHandler<PolicyAuthorizeNv, EmptyResponse> {

    @Override
    public EmptyResponse execute(PolicyAuthorizeNv cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        AuthSession session = PolicySupport.session(s, cmd.policySession());
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());

        // input validation
        if (!session.isTrial()) {
            NvSupport.checkRead(cmd.authHandle(), nv);
            byte[] data = nv.data().unsafeArray();
            int size = Math.min(data.length, 2 + 64);
            // TPMT_HA_Unmarshal: a hash algorithm (no NULL), then its digest
            if (size < 2) throw new TpmFailure(TpmRc.INSUFFICIENT);
            int alg = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
            if (!dev.jtpm.types.structure.TpmiAlgHash.isImplemented(alg)) throw new TpmFailure(TpmRc.HASH);
            int digestSize = TpmAlg.digestSize(alg);
            if (size - 2 < digestSize) throw new TpmFailure(TpmRc.INSUFFICIENT);
            if (alg != session.authHash()) throw new TpmFailure(TpmRc.HASH);
            byte[] digest = Arrays.copyOfRange(data, 2, 2 + digestSize);
            if (!MessageDigest.isEqual(digest, session.policyDigest().unsafeArray())) throw new TpmFailure(TpmRc.VALUE);
        }

        // command output
        session.policyDigest(Bytes.zeros(TpmAlg.digestSize(session.authHash())));
        PolicySupport.update(session, TpmCc.POLICY_AUTHORIZE_NV, nv.name(), null);
        return EmptyResponse.INSTANCE;
    }
}
