package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Macs;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.types.command.HmacStart;
import dev.jtpm.types.command.HmacStartResponse;

/**
 * TPM2_MAC_Start (Part 3, 17.3) at TPM2_HMAC_Start's command code (17.2), as libtpms 0.9 implements it:
 * loads a MAC sequence object keyed with an unrestricted keyed-hash signing key (HMAC) or symcipher signing
 * key whose mode is CMAC (USER role); TPM2_SequenceUpdate adds data and TPM2_SequenceComplete returns the
 * MAC (with the NULL ticket). The algorithm is chosen as TPM2_MAC chooses it ({@link Macs#select}). The
 * sequence's authValue is {@code auth} without trailing zero octets.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): not a keyed-hash or symcipher object (or a sequence, or public only);</li>
 *   <li>TPM_RC_VALUE (parameter 2): {@code hashAlg} differs from the key's algorithm, or both are
 *       TPM_ALG_NULL;</li>
 *   <li>TPM_RC_SCHEME (parameter 2): the algorithm does not suit the key;</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the key is restricted;</li>
 *   <li>TPM_RC_KEY (handle 1): the key's sign attribute is clear;</li>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_SYMMETRIC (parameter 2), TPM_RC_SIZE (parameter 1): from unmarshalling;</li>
 *   <li>TPM_RC_HANDLE (handle 1), TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class HmacStartHandler implements CommandHandler<HmacStart, HmacStartResponse> {

    @Override
    public HmacStartResponse execute(HmacStart cmd, CommandContext ctx) {
        // input validation
        Macs.Selected m = Macs.select(ctx.state(), cmd.handle(), cmd.hashAlg(), 2);
        // command output
        HashSequence seq = m.isCmac() ? HashSequence.cmac(Macs.cipherOf(m.key()), Macs.symKeyOf(m.key()), cmd.auth())
                : HashSequence.hmac(m.macAlg(), Signatures.hmacKey(m.key()), cmd.auth());
        return new HmacStartResponse(ctx.state().objects.add(seq));   // TPM_RC_OBJECT_MEMORY when full
    }
}
