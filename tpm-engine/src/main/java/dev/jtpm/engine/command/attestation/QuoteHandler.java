package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Quote;
import dev.jtpm.types.command.QuoteResponse;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsQuoteInfo;

/**
 * TPM2_Quote (Part 3, 18.4): a TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE holding the PCR selection, filtered to the
 * allocated PCRs (ms-tpm's FilterPcr: a bank that is not allocated selects nothing), and the digest of the selected
 * PCR values with the hash of the signing scheme (selection by selection in the order given, PCRs ascending;
 * ms-tpm's PCRComputeCurrentDigest), signed by signHandle ({@link Attestation}).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 1): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme (both TPM_ALG_NULL, they differ, an
 *       ECDAA key scheme without an ECDAA inScheme, one the key's type cannot sign with), or signHandle is
 *       TPM_RH_NULL (the NULL scheme has no hash to digest the PCRs with: as ms-tpm, a quote needs a key);
 *       TPM_RC_SCHEME (no index) from the signature;</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_SIZE (parameter 1): qualifyingData longer than a TPM2B_DATA; TPM_RC_SCHEME (parameter 2): inScheme
 *       not a signing scheme; TPM_RC_HASH / TPM_RC_VALUE / TPM_RC_SIZE (parameter 3): a selection of a hash that is
 *       not implemented, a sizeofSelect out of range, more selections than banks (unmarshalling);</li>
 *   <li>TPM_RC_HANDLE / TPM_RC_REFERENCE_H0 (handle 1), TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL /
 *       TPM_RC_AUTH_UNAVAILABLE / policy codes (session 1): from the pipeline.</li>
 * </ul>
 */
public final class QuoteHandler implements CommandHandler<Quote, QuoteResponse> {

    @Override
    public QuoteResponse execute(Quote cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 1, 2);
        if (signer.hashAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.SCHEME.atParameter(2));

        // command output
        TpmlPcrSelection selection = s.pcrs.filter(cmd.pcrSelect());
        var info = new TpmsQuoteInfo(selection, s.pcrs.currentDigest(signer.hashAlg(), selection));
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        return new QuoteResponse(signed.attest(), signed.signature());
    }
}
