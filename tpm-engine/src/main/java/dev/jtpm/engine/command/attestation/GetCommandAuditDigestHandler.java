package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.session.CommandAudit;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.GetCommandAuditDigest;
import dev.jtpm.types.command.GetCommandAuditDigestResponse;
import dev.jtpm.types.structure.TpmsCommandAuditInfo;

/**
 * TPM2_GetCommandAuditDigest (Part 3, 18.6): a TPMS_ATTEST of type TPM_ST_ATTEST_COMMAND_AUDIT holding the audit
 * counter, the audit hash, the command audit digest and the digest of the audited command codes
 * ({@link CommandAudit#commandDigest}), signed by signHandle ({@link Attestation}; TPM_ALG_NULL signature for
 * TPM_RH_NULL). A signed digest is consumed: the command audit digest becomes empty, so the next audited command
 * starts a new one and increments the counter. With TPM_RH_NULL the digest is left running.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 2): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme (both TPM_ALG_NULL, they differ, or
 *       one the key's type cannot sign with; from unmarshalling, not a signing scheme); TPM_RC_SCHEME (no index)
 *       from the signature;</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_SIZE (parameter 1): qualifyingData longer than a TPM2B_DATA (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1): privacyHandle is not TPM_RH_ENDORSEMENT (unmarshalling);</li>
 *   <li>TPM_RC_HIERARCHY (handle 1), TPM_RC_HANDLE / TPM_RC_REFERENCE_H1 (handle 2), TPM_RC_BAD_AUTH /
 *       TPM_RC_AUTH_FAIL (session 1 or 2): from the pipeline.</li>
 * </ul>
 */
public final class GetCommandAuditDigestHandler implements CommandHandler<GetCommandAuditDigest, GetCommandAuditDigestResponse> {

    @Override
    public GetCommandAuditDigestResponse execute(GetCommandAuditDigest cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 2, 2);

        // command output
        var info = new TpmsCommandAuditInfo(s.persistent.auditCounter, CommandAudit.hashAlg(s), s.commandAuditDigest,
                CommandAudit.commandDigest(s));
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        if (cmd.signHandle() != TpmRh.NULL) s.commandAuditDigest = dev.jtpm.types.Bytes.EMPTY;   // reset the log
        return new GetCommandAuditDigestResponse(signed.attest(), signed.signature());
    }
}
