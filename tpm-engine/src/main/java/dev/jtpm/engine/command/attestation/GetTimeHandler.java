package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.clock.ReadClockHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.command.GetTime;
import dev.jtpm.types.command.GetTimeResponse;
import dev.jtpm.types.structure.TpmsTimeAttestInfo;

/**
 * TPM2_GetTime (Part 3, 18.7): a TPMS_ATTEST of type TPM_ST_ATTEST_TIME holding the current TPMS_TIME_INFO (Time,
 * Clock, resetCount, restartCount, safe) and the firmware version, both in plain even where the TPMS_ATTEST's own
 * clockInfo and firmwareVersion are obfuscated (as ms-tpm: the privacy administrator authorized their release),
 * signed by signHandle ({@link Attestation}; TPM_ALG_NULL signature for TPM_RH_NULL).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 2): signHandle is not a signing key (sign clear, a symmetric cipher key, a sequence
 *       object, or no private part);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme (from unmarshalling: not a signing
 *       scheme); TPM_RC_SCHEME (no index) from the signature;</li>
 *   <li>TPM_RC_VALUE (no index): an ECDAA count without an outstanding TPM2_Commit;</li>
 *   <li>TPM_RC_SIZE (parameter 1): qualifyingData longer than a TPM2B_DATA (unmarshalling);</li>
 *   <li>TPM_RC_VALUE (handle 1): privacyAdminHandle is not TPM_RH_ENDORSEMENT (unmarshalling);</li>
 *   <li>TPM_RC_HIERARCHY (handle 1), TPM_RC_HANDLE / TPM_RC_REFERENCE_H1 (handle 2), TPM_RC_BAD_AUTH /
 *       TPM_RC_AUTH_FAIL (session 1 or 2): from the pipeline.</li>
 * </ul>
 */
public final class GetTimeHandler implements CommandHandler<GetTime, GetTimeResponse> {

    @Override
    public GetTimeResponse execute(GetTime cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 2, 2);

        // command output
        var info = new TpmsTimeAttestInfo(ReadClockHandler.timeInfo(s), Attestation.firmwareVersion());
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), info);
        return new GetTimeResponse(signed.attest(), signed.signature());
    }
}
