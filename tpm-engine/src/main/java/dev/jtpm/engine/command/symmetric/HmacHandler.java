package dev.jtpm.engine.command.symmetric;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.HmacResponse;

/**
 * TPM2_HMAC (Part 3, 15.5): the HMAC of {@code buffer} with an unrestricted keyed-hash signing key
 * (USER role). The hash is the key's HMAC scheme hash; {@code hashAlg} may name it or be
 * TPM_ALG_NULL; a key without a scheme uses {@code hashAlg}.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): not a keyed-hash object (or a sequence, or public only);</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the key is restricted;</li>
 *   <li>TPM_RC_KEY (handle 1): the key's sign attribute is clear;</li>
 *   <li>TPM_RC_VALUE (parameter 2): {@code hashAlg} differs from the key's scheme hash, or both are
 *       TPM_ALG_NULL (ms-tpm's code; there is no TPM_RC_SCHEME case here);</li>
 *   <li>TPM_RC_HASH (parameter 2), TPM_RC_SIZE (parameter 1): from unmarshalling;</li>
 *   <li>TPM_RC_HANDLE (handle 1), TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class HmacHandler implements CommandHandler<Hmac, HmacResponse> {

    @Override
    public HmacResponse execute(Hmac cmd, CommandContext ctx) {
        // input validation
        TpmObject key = Signatures.hmacKeyFor(ctx.state(), cmd.handle());
        int hashAlg = Signatures.hmacHash(key, cmd.hashAlg(), 2);
        // command output
        return new HmacResponse(Signatures.hmac(key, hashAlg, cmd.buffer().unsafeArray()));
    }
}
