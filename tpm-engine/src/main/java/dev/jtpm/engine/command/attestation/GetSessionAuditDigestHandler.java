package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.GetSessionAuditDigest;
import dev.jtpm.types.command.GetSessionAuditDigestResponse;
import dev.jtpm.types.structure.TpmsSessionAuditInfo;

/**
 * TPM2_GetSessionAuditDigest (Part 3, 18.5): a TPMS_ATTEST of type TPM_ST_ATTEST_SESSION_AUDIT holding the audit
 * digest of an audit session and whether it is the exclusive audit session, signed by signHandle
 * ({@link Attestation}; TPM_ALG_NULL signature for TPM_RH_NULL). The session is left as it is.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 2): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme; TPM_RC_SCHEME (no index) from the
 *       signature;</li>
 *   <li>TPM_RC_TYPE (handle 3): the session has not been used for audit (checked after the key and scheme, as
 *       ms-tpm);</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_VALUE (handle 3): sessionHandle is not an HMAC session handle (unmarshalling);
 *       TPM_RC_HANDLE (handle 3): no such session loaded (pipeline);</li>
 *   <li>TPM_RC_VALUE (handle 1): privacyAdminHandle is not TPM_RH_ENDORSEMENT (unmarshalling);</li>
 *   <li>TPM_RC_HIERARCHY (handle 1), TPM_RC_HANDLE / TPM_RC_REFERENCE_H1 (handle 2), TPM_RC_BAD_AUTH /
 *       TPM_RC_AUTH_FAIL (session 1 or 2): from the pipeline.</li>
 * </ul>
 */
public final class GetSessionAuditDigestHandler implements CommandHandler<GetSessionAuditDigest, GetSessionAuditDigestResponse> {

    @Override
    public GetSessionAuditDigestResponse execute(GetSessionAuditDigest cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 2, 2);
        AuthSession session = s.sessions.get(cmd.sessionHandle());
        if (session == null || !session.audit()) throw new TpmFailure(TpmRc.TYPE.atHandle(3));

        // command output
        var info = new TpmsSessionAuditInfo(s.exclusiveAuditSession == cmd.sessionHandle(), session.policyDigest());
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        return new GetSessionAuditDigestResponse(signed.attest(), signed.signature());
    }
}
