package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.command.HmacStart;
import dev.jtpm.types.command.HmacStartResponse;

/**
 * TPM2_HMAC_Start (Part 3, 17.2): loads an HMAC sequence object keyed with an unrestricted keyed-hash
 * signing key (USER role); TPM2_SequenceUpdate adds data and TPM2_SequenceComplete returns the HMAC
 * (with the NULL ticket). The hash follows TPM2_HMAC: the key's scheme hash, or {@code hashAlg}.
 * The sequence's authValue is {@code auth} without trailing zero octets.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): not a keyed-hash object (or a sequence, or public only);</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the key is restricted;</li>
 *   <li>TPM_RC_KEY (handle 1): the key's sign attribute is clear;</li>
 *   <li>TPM_RC_VALUE (parameter 2): {@code hashAlg} differs from the key's scheme hash, or both are
 *       TPM_ALG_NULL;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_HASH (parameter 2), TPM_RC_SIZE (parameter 1): from unmarshalling;</li>
 *   <li>TPM_RC_HANDLE (handle 1), TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class HmacStartHandler implements CommandHandler<HmacStart, HmacStartResponse> {

    @Override
    public HmacStartResponse execute(HmacStart cmd, CommandContext ctx) {
        // input validation
        TpmObject key = Signatures.hmacKeyFor(ctx.state(), cmd.handle());
        int hashAlg = Signatures.hmacHash(key, cmd.hashAlg(), 2);
        // command output
        HashSequence seq = HashSequence.hmac(hashAlg, Signatures.hmacKey(key), cmd.auth());
        return new HmacStartResponse(ctx.state().objects.add(seq));   // TPM_RC_OBJECT_MEMORY when full
    }
}
