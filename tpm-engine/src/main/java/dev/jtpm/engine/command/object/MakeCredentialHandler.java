package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.SecretExchange;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.MakeCredential;
import dev.jtpm.types.command.MakeCredentialResponse;
import dev.jtpm.types.structure.TpmaObject;

/**
 * TPM2_MakeCredential (Part 3, 12.6; Part 1, 24): what a certificate authority does with a TPM's public
 * key, done by the TPM. A seed is shared with {@code handle} (RSA-OAEP or ECDH + KDFe, label "IDENTITY",
 * the key's nameAlg) and protects {@code credential} for the object named {@code objectName}: the
 * TPM2B_ID_OBJECT is {@code size(HMAC) || HMAC || CFB(size(credential) || credential)}, with
 * KDFa(nameAlg, seed, "STORAGE", objectName) as the key of the key's symmetric definition (IV zero) and
 * HMAC_nameAlg(KDFa(nameAlg, seed, "INTEGRITY"), encrypted || objectName). No authorization: a loaded public
 * area is enough.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): the key is not an asymmetric restricted decryption key (or a sequence);</li>
 *   <li>TPM_RC_SIZE (parameter 1): credential is longer than the key's nameAlg digest;</li>
 *   <li>TPM_RC_KEY (no index): an ECC key whose point is not on its curve; TPM_RC_VALUE (no index): an RSA
 *       key too short for OAEP with its nameAlg (both unreachable for keys jtpm loads with a nameAlg).</li>
 * </ul>
 */
public final class MakeCredentialHandler implements CommandHandler<MakeCredential, MakeCredentialResponse> {

    @Override
    public MakeCredentialResponse execute(MakeCredential cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        TpmObject key = ObjectSupport.object(s, cmd.handle(), 1);
        int type = key.publicArea().type();
        TpmaObject a = key.attributes();
        if ((type != TpmAlg.RSA && type != TpmAlg.ECC) || !a.decrypt() || !a.restricted()) {
            throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        }
        int nameAlg = key.publicArea().nameAlg();
        if (nameAlg == TpmAlg.NULL || cmd.credential().size() > Hashes.digestSize(nameAlg)) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        }

        // command output
        RandomBits random = b -> s.platform.entropy().nextBytes(b);
        SecretExchange.Shared shared = SecretExchange.encrypt(key, SecretExchange.IDENTITY, random);
        return new MakeCredentialResponse(
                ObjectSupport.secretToCredential(key, cmd.objectName(), shared.seed(), cmd.credential()),
                shared.encryptedSecret());
    }
}
