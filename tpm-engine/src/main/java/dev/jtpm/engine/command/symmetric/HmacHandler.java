package dev.jtpm.engine.command.symmetric;

import dev.jtpm.crypto.Cmac;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Macs;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.HmacResponse;

/**
 * TPM2_MAC (Part 3, 15.6) at TPM2_HMAC's command code (15.5), as libtpms 0.9 implements it: the HMAC of
 * {@code buffer} with an unrestricted keyed-hash signing key, or its CMAC (SP 800-38B) with an unrestricted
 * symcipher signing key whose mode is CMAC (USER role). The algorithm is the key's (HMAC hash, or symcipher
 * mode); {@code hashAlg} (MAC's inScheme) may name it or be TPM_ALG_NULL; a key without one uses
 * {@code hashAlg}. The checks are ms-tpm's CryptSelectMac, then the attributes ({@link Macs#select}).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_TYPE (handle 1): not a keyed-hash or symcipher object (or a sequence, or public only);</li>
 *   <li>TPM_RC_VALUE (parameter 2): {@code hashAlg} differs from the key's algorithm, or both are
 *       TPM_ALG_NULL;</li>
 *   <li>TPM_RC_SCHEME (parameter 2): the algorithm does not suit the key (a keyed-hash key without a hash,
 *       a symcipher key whose mode is not CMAC);</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): the key is restricted;</li>
 *   <li>TPM_RC_KEY (handle 1): the key's sign attribute is clear;</li>
 *   <li>TPM_RC_SYMMETRIC (parameter 2: neither an implemented hash nor CMAC), TPM_RC_SIZE (parameter 1): from
 *       unmarshalling;</li>
 *   <li>TPM_RC_HANDLE (handle 1), TPM_RC_AUTH_FAIL (session 1): from the pipeline.</li>
 * </ul>
 */
public final class HmacHandler implements CommandHandler<Hmac, HmacResponse> {

    @Override
    public HmacResponse execute(Hmac cmd, CommandContext ctx) {
        // input validation
        Macs.Selected m = Macs.select(ctx.state(), cmd.handle(), cmd.hashAlg(), 2);
        // command output
        if (m.isCmac()) {
            return new HmacResponse(Bytes.wrap(Cmac.mac(Macs.cipherOf(m.key()), Macs.symKeyOf(m.key()), cmd.buffer().unsafeArray())));
        }
        return new HmacResponse(Signatures.hmac(m.key(), m.macAlg(), cmd.buffer().unsafeArray()));
    }
}
