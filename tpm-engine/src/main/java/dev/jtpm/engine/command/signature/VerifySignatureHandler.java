package dev.jtpm.engine.command.signature;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.VerifySignature;
import dev.jtpm.types.command.VerifySignatureResponse;
import dev.jtpm.types.structure.TpmtTkVerified;

/**
 * TPM2_VerifySignature (Part 3, 20.1): checks a signature over a digest with a loaded signing key
 * (public-only keys from TPM2_LoadExternal too; no authorization) and returns a TPMT_TK_VERIFIED:
 * {@code HMAC(proof, TPM_ST_VERIFIED || digest || keyName)} with the proof of the key's hierarchy,
 * or the NULL ticket when the key is in the NULL hierarchy or its nameAlg is TPM_ALG_NULL (ms-tpm).
 * The signature's scheme need not be the key's; an HMAC signature must use the hash of the key's
 * HMAC scheme, if it has one.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the object is not a signing key (sign clear, or a sequence
 *       object);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): the signature's scheme does not suit the key (an RSA signature
 *       for an ECC key, the NULL signature);</li>
 *   <li>TPM_RC_HANDLE (parameter 2): an HMAC signature and a public-only keyed-hash object (ms-tpm's
 *       code and index);</li>
 *       from unmarshalling: a scheme that is not an implemented signing scheme;</li>
 *   <li>TPM_RC_SIGNATURE (parameter 2): the signature does not verify;</li>
 *   <li>TPM_RC_HANDLE (handle 1): from the pipeline.</li>
 * </ul>
 */
public final class VerifySignatureHandler implements CommandHandler<VerifySignature, VerifySignatureResponse> {

    @Override
    public VerifySignatureResponse execute(VerifySignature cmd, CommandContext ctx) {
        // input validation
        if (!(ctx.state().objects.get(cmd.keyHandle()) instanceof TpmObject key) || !key.attributes().signEncrypt()) {
            throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        }
        TpmRc rc = Signatures.verify(key, cmd.digest(), cmd.signature());
        if (!rc.equals(TpmRc.SUCCESS)) throw new TpmFailure(rc.atParameter(2));
        // command output
        if (key.hierarchy() == TpmRh.NULL || key.publicArea().nameAlg() == TpmAlg.NULL) {
            return new VerifySignatureResponse(TpmtTkVerified.nullTicket());
        }
        return new VerifySignatureResponse(Tickets.verified(ctx.state(), key.hierarchy(), cmd.digest(), key.name()));
    }
}
