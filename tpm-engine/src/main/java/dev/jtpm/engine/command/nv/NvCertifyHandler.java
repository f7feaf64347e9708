package dev.jtpm.engine.command.nv;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.NvCertify;
import dev.jtpm.types.command.NvCertifyResponse;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmsNvCertifyInfo;
import dev.jtpm.types.structure.TpmsNvDigestCertifyInfo;
import dev.jtpm.types.structure.TpmuAttest;

/**
 * TPM2_NV_Certify (Part 3, 31.16): a TPMS_ATTEST of the index's Name and a range of its data (TPM_ST_ATTEST_NV), or
 * with size and offset both 0 a digest of all of it with the scheme's hash (TPM_ST_ATTEST_NV_DIGEST), signed as
 * {@link Attestation} signs.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for a key that cannot sign; TPM_RC_SCHEME (parameter 2) when no scheme
 * can be chosen; TPM_RC_NV_LOCKED, TPM_RC_NV_AUTHORIZATION, TPM_RC_NV_UNINITIALIZED ({@link NvSupport#readAccess});
 * TPM_RC_NV_RANGE for a range beyond the index; TPM_RC_VALUE (parameter 3) for a size over MAX_NV_BUFFER_SIZE; and
 * the signing codes of {@link Attestation.Signer#sign}.
 */
public final class NvCertifyHandler implements CommandHandler<NvCertify, NvCertifyResponse> {

    @Override
    public NvCertifyResponse execute(NvCertify cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        NvIndex nv = NvSupport.index(s, cmd.nvIndex());
        // input validation
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 1, 2);
        NvSupport.checkRead(cmd.authHandle(), nv);
        if (cmd.size() + cmd.offset() > nv.publicArea().dataSize()) throw new TpmFailure(TpmRc.NV_RANGE);
        if (cmd.size() > TpmaNv.MAX_NV_BUFFER_SIZE) throw new TpmFailure(TpmRc.VALUE.atParameter(3));

        // command output
        TpmuAttest attested;
        if (cmd.size() != 0 || cmd.offset() != 0) {
            attested = new TpmsNvCertifyInfo(nv.name(), cmd.offset(), Bytes.of(nv.data().unsafeArray(), cmd.offset(), cmd.size()));
        } else {
            // ms-tpm hashes with the scheme's hash: TPM_ALG_NULL (no key) gives an empty digest
            Bytes digest = signer.hashAlg() == dev.jtpm.types.TpmAlg.NULL ? Bytes.EMPTY
                    : Bytes.wrap(Hashes.hash(signer.hashAlg(), nv.data().toArray()));
            attested = new TpmsNvDigestCertifyInfo(nv.name(), digest);
        }
        Attestation.Signed signed = signer.sign(s, cmd.qualifyingData(), attested);
        return new NvCertifyResponse(signed.attest(), signed.signature());
    }
}
