package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.Certify;
import dev.jtpm.types.command.CertifyResponse;
import dev.jtpm.types.structure.TpmsCertifyInfo;

/**
 * TPM2_Certify (Part 3, 18.2): a TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY holding the Name and Qualified Name of
 * the object at objectHandle (an empty Qualified Name with an anonymous scheme, ECDAA), signed by signHandle
 * ({@link Attestation}; TPM_ALG_NULL signature for TPM_RH_NULL). objectHandle is authorized in the ADMIN role and
 * signHandle in the USER role by the pipeline: an object with adminWithPolicy needs a policy session that ran
 * PolicyCommandCode(TPM_CC_Certify).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 2): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme (both TPM_ALG_NULL, they differ, an
 *       ECDAA key scheme without an ECDAA inScheme, one the key's type cannot sign with; from unmarshalling, not
 *       a signing scheme); TPM_RC_SCHEME (no index) from the signature;</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_SIZE (parameter 1): qualifyingData longer than a TPM2B_DATA (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1 or 2): not an object handle (unmarshalling); TPM_RC_HANDLE / TPM_RC_REFERENCE_H0/H1,
 *       TPM_RC_AUTH_MISSING, TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL, TPM_RC_AUTH_TYPE (ADMIN role of an object with
 *       adminWithPolicy given a password or HMAC session), TPM_RC_AUTH_UNAVAILABLE, TPM_RC_POLICY_CC /
 *       TPM_RC_POLICY_FAIL (session 1 or 2): from the pipeline.</li>
 * </ul>
 */
public final class CertifyHandler implements CommandHandler<Certify, CertifyResponse> {

    @Override
    public CertifyResponse execute(Certify cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 2, 2);

        // command output
        AttestationSupport.Certified object = AttestationSupport.certified(s, cmd.objectHandle());
        var info = new TpmsCertifyInfo(object.name(), signer.anonymous() ? Bytes.EMPTY : object.qualifiedName());
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        return new CertifyResponse(signed.attest(), signed.signature());
    }
}
