package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CertifyCreation;
import dev.jtpm.types.command.CertifyCreationResponse;
import dev.jtpm.types.structure.TpmsCreationInfo;
import java.security.MessageDigest;

/**
 * TPM2_CertifyCreation (Part 3, 18.3): checks that creationTicket is the TPMT_TK_CREATION the TPM made for the object
 * at objectHandle and creationHash (ms-tpm TicketComputeCreation: {@code HMAC(proof of the ticket's hierarchy,
 * TPM_ST_CREATION || Name || creationHash)}, the nullProof for TPM_RH_NULL, so the NULL ticket never passes), then
 * signs a TPMS_ATTEST of type TPM_ST_ATTEST_CREATION holding the object's Name and creationHash ({@link Attestation};
 * TPM_ALG_NULL signature for TPM_RH_NULL). objectHandle needs no authorization.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 1): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 3): CryptSelectSignScheme finds no scheme (from unmarshalling: not a signing
 *       scheme); TPM_RC_SCHEME (no index) from the signature;</li>
 *   <li>TPM_RC_TICKET (parameter 4): creationTicket does not match the object's Name and creationHash;</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_SIZE (parameter 1 or 2): qualifyingData or creationHash too long; TPM_RC_TAG / TPM_RC_VALUE
 *       (parameter 4): a ticket tag other than TPM_ST_CREATION, a hierarchy that is not TPMI_RH_HIERARCHY+
 *       (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1 or 2): not an object handle (unmarshalling); TPM_RC_HANDLE / TPM_RC_REFERENCE_H0/H1,
 *       TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL / TPM_RC_AUTH_UNAVAILABLE (session 1): from the pipeline.</li>
 * </ul>
 */
public final class CertifyCreationHandler implements CommandHandler<CertifyCreation, CertifyCreationResponse> {

    @Override
    public CertifyCreationResponse execute(CertifyCreation cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 1, 3);
        AttestationSupport.Certified object = AttestationSupport.certified(s, cmd.objectHandle());
        var expected = Tickets.creationHmac(Tickets.proof(s, cmd.creationTicket().hierarchy()), object.name(),
                cmd.creationHash());
        if (!MessageDigest.isEqual(expected.unsafeArray(), cmd.creationTicket().digest().unsafeArray())) throw new TpmFailure(TpmRc.TICKET.atParameter(4));

        // command output
        var info = new TpmsCreationInfo(object.name(), cmd.creationHash());
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        return new CertifyCreationResponse(signed.attest(), signed.signature());
    }
}
