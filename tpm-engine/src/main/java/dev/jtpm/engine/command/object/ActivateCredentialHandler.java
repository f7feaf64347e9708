package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.SecretExchange;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ActivateCredential;
import dev.jtpm.types.command.ActivateCredentialResponse;
import dev.jtpm.types.structure.TpmaObject;

/**
 * TPM2_ActivateCredential (Part 3, 12.5; Part 1, 24): recovers the credential a TPM2_MakeCredential (or a
 * certificate authority) protected for {@code activateHandle}'s Name with {@code keyHandle}'s public key.
 * The seed is recovered from {@code secret} with the label "IDENTITY" ({@link SecretExchange#decrypt}), then
 * the blob's HMAC is checked with the activated object's Name before anything is decrypted (ms-tpm's
 * CredentialToSecret). activateHandle has the ADMIN role, keyHandle the USER role (an EK: its policy, e.g.
 * PolicySecret(TPM_RH_ENDORSEMENT), through a policy session); the pipeline authorizes both.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 2): keyHandle is not an asymmetric restricted decryption key (or a sequence);
 *       TPM_RC_TYPE (handle 1): activateHandle is a sequence;</li>
 *   <li>TPM_RC_SIZE (parameter 2): an RSA secret not as long as the modulus, or an ECC coordinate larger than
 *       any curve's; TPM_RC_INSUFFICIENT (parameter 2): an ECC point cut short; TPM_RC_ECC_POINT (parameter 2):
 *       a point off the key's curve; TPM_RC_NO_RESULT (parameter 2): a product at infinity; TPM_RC_VALUE
 *       (parameter 2): a seed longer than the OAEP digest; TPM_RC_SCHEME (parameter 2): an RSA key whose
 *       scheme is neither NULL nor OAEP;</li>
 *   <li>TPM_RC_FAILURE (no index): the RSA secret does not decrypt (wrong key, label or padding; libtpms 0.9
 *       answers this from OpenSSL; the TPM stays operational), or keyHandle has no private part;</li>
 *   <li>TPM_RC_SIZE, TPM_RC_INSUFFICIENT (parameter 1): the blob's integrity field is larger than a digest or
 *       cut short; TPM_RC_INTEGRITY (parameter 1): the HMAC does not match (tampered blob, wrong seed or
 *       wrong object); TPM_RC_INSUFFICIENT, TPM_RC_SIZE (parameter 1): the decrypted TPM2B_DIGEST is cut short,
 *       too large, or followed by more octets.</li>
 * </ul>
 */
public final class ActivateCredentialHandler implements CommandHandler<ActivateCredential, ActivateCredentialResponse> {

    @Override
    public ActivateCredentialResponse execute(ActivateCredential cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        TpmObject key = ObjectSupport.object(s, cmd.keyHandle(), 2);
        TpmObject activate = ObjectSupport.object(s, cmd.activateHandle(), 1);
        int type = key.publicArea().type();
        TpmaObject a = key.attributes();
        if ((type != TpmAlg.RSA && type != TpmAlg.ECC) || !a.decrypt() || !a.restricted()) {
            throw new TpmFailure(TpmRc.TYPE.atHandle(2));
        }

        // command output
        if (key.publicOnly()) throw new TpmFailure(TpmRc.FAILURE);
        Secret seed;
        try {
            seed = SecretExchange.decrypt(key, SecretExchange.IDENTITY, cmd.secret());
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().is(TpmRc.KEY) ? TpmRc.FAILURE : e.rc().atParameter(2));
        }
        try {
            Bytes certInfo = ObjectSupport.credentialToSecret(key, activate.name(), seed, cmd.credentialBlob());
            return new ActivateCredentialResponse(certInfo);
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().atParameter(1));
        }
    }
}
