package dev.jtpm.engine.command.signature;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.EcdaaSign;
import dev.jtpm.engine.crypto.SignSchemes;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.SignResponse;

/**
 * TPM2_Sign (Part 3, 20.2): signs a digest with a loaded signing key (USER role): RSASSA and RSAPSS
 * (salt as long as the digest when the key allows, as libtpms), ECDSA, ECSCHNORR, SM2, ECDAA (with the count
 * of a TPM2_Commit, {@code EcdaaSign}), and HMAC
 * with a keyed-hash key. The scheme is the key's when {@code inScheme} is TPM_ALG_NULL, else
 * {@code inScheme}, which must then equal the key's scheme and hash if the key has one (ms-tpm
 * CryptSelectSignScheme). A restricted key signs only a digest with a valid TPMT_TK_HASHCHECK ticket
 * (TPM2_Hash or TPM2_SequenceComplete, which give none for data starting with TPM_GENERATED_VALUE);
 * an unrestricted key checks a ticket only if one is given.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 1): the object is not a signing key (sign clear, a symmetric cipher
 *       key, a sequence object) or has no private part;</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the key has x509sign set (TPM2_CertifyX509 only);</li>
 *   <li>TPM_RC_SCHEME (parameter 2): both schemes are TPM_ALG_NULL, they differ (scheme or hash),
 *       or the scheme does not suit the key's type; from unmarshalling: a scheme that is not an
 *       implemented signing scheme;</li>
 *   <li>TPM_RC_TICKET (parameter 3): a restricted key without a valid ticket for this digest and the
 *       scheme's hash, or an invalid ticket given to an unrestricted key;</li>
 *   <li>TPM_RC_SIZE (parameter 1): without a ticket, the digest is not the size of the scheme's hash
 *       (also from unmarshalling: longer than 64 octets);</li>
 *   <li>TPM_RC_VALUE (no index, as libtpms): ECDAA with a count that names no outstanding
 *       TPM2_Commit of this key's TPM Reset (never taken, already used, or 128 or more counts old);</li>
 *   <li>TPM_RC_HANDLE (handle 1), TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class SignHandler implements CommandHandler<Sign, SignResponse> {

    @Override
    public SignResponse execute(Sign cmd, CommandContext ctx) {
        // input validation
        if (!(ctx.state().objects.get(cmd.keyHandle()) instanceof TpmObject key) || !SignSchemes.isSigningKey(key)
                || key.publicOnly()) {
            throw new TpmFailure(TpmRc.KEY.atHandle(1));
        }
        if (key.attributes().x509Sign()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        SignSchemes.Scheme scheme = SignSchemes.selectScheme(key, cmd.inScheme());
        if (scheme == null) throw new TpmFailure(TpmRc.SCHEME.atParameter(2));
        if (!cmd.validation().digest().isEmpty() || key.attributes().restricted()) {
            if (!Tickets.isValidHashCheck(ctx.state(), cmd.validation(), scheme.hashAlg(), cmd.digest())) {
                throw new TpmFailure(TpmRc.TICKET.atParameter(3));
            }
        } else if (cmd.digest().size() != Hashes.digestSize(scheme.hashAlg())) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        }
        // command output
        if (scheme.scheme() == dev.jtpm.types.TpmAlg.ECDAA) {      // split signing: the count comes from TPM2_Commit
            int count = ((dev.jtpm.types.structure.TpmuSigScheme.Ecdaa) cmd.inScheme().details()).count();
            return new SignResponse(EcdaaSign.sign(ctx.state(), key, scheme.hashAlg(), count, cmd.digest()));
        }
        try {
            return new SignResponse(Signatures.sign(key, scheme.scheme(), scheme.hashAlg(), cmd.digest(),
                    ctx.state().platform.entropy()::nextBytes));
        } catch (TpmFailure f) {
            throw new TpmFailure(f.rc().atParameter(2));
        }
    }
}
