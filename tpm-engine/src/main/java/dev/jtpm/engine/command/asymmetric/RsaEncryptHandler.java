package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.RsaKey;
import dev.jtpm.crypto.RsaSchemes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.RsaEncrypt;
import dev.jtpm.types.command.RsaEncryptResponse;

import java.util.Arrays;

/**
 * TPM2_RSA_Encrypt (Part 3, 14.2): pads {@code message} with the selected scheme and encrypts it with
 * the public part of an RSA key. No authorization: only the public area is needed.
 *
 * <p>The scheme is the key's when inScheme is TPM_ALG_NULL, inScheme when the key's is TPM_ALG_NULL,
 * and must agree otherwise (ms-tpm CryptRsaSelectScheme). RSAES is RSAES-PKCS1-v1_5, OAEP uses the
 * scheme's hash for the label and MGF1, TPM_ALG_NULL is the raw RSAEP primitive (the message,
 * without leading zeros, at most the modulus size and below the modulus, zero-padded on the left).
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for an object that is not an RSA key; TPM_RC_ATTRIBUTES
 * (handle 1) when decrypt is clear; TPM_RC_VALUE (parameter 3) for a label not ending in a zero
 * octet; TPM_RC_SCHEME (parameter 2) when the key's and the command's schemes disagree; TPM_RC_VALUE
 * when the message is too long for the scheme or (raw) not below the modulus; TPM_RC_SCHEME when
 * no scheme is an encryption scheme (these two without an index, as ms-tpm-20-ref's CryptRsaEncrypt
 * returns them; libtpms answers a too long OAEP message with TPM_RC_FAILURE, which we do not copy). Codec: TPM_RC_VALUE (parameter 2) for a scheme that is not
 * RSAES, OAEP or NULL.
 */
public final class RsaEncryptHandler implements CommandHandler<RsaEncrypt, RsaEncryptResponse> {

    @Override
    public RsaEncryptResponse execute(RsaEncrypt cmd, CommandContext ctx) {
        // input validation
        TpmObject o = AsymmetricSupport.keyOfType(ctx.state(), cmd.keyHandle(), TpmAlg.RSA);
        if (!o.attributes().decrypt()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        byte[] label = cmd.label().unsafeArray();
        if (!RsaSchemes.isValidLabel(label)) throw new TpmFailure(TpmRc.VALUE.atParameter(3));
        AsymmetricSupport.Selected scheme = AsymmetricSupport.selectScheme(o, cmd.inScheme());
        if (scheme == null) throw new TpmFailure(TpmRc.SCHEME.atParameter(2));

        // command output
        RsaKey key = AsymmetricSupport.rsaKey(o);
        byte[] m = cmd.message().unsafeArray();
        int k = key.modulusBytes();
        Bytes out = switch (scheme.scheme()) {
            case TpmAlg.OAEP -> {
                if (m.length > RsaSchemes.oaepMaxMessage(k, scheme.hashAlg())) throw new TpmFailure(TpmRc.VALUE);
                yield RsaSchemes.encryptOaep(key, scheme.hashAlg(), label, m,
                        AsymmetricSupport.secureRandom(ctx.state().platform.entropy()));
            }
            case TpmAlg.RSAES -> {
                if (m.length > RsaSchemes.pkcs1MaxMessage(k)) throw new TpmFailure(TpmRc.VALUE);
                yield RsaSchemes.encryptPkcs1(key, m, AsymmetricSupport.secureRandom(ctx.state().platform.entropy()));
            }
            case TpmAlg.NULL -> {
                int i = 0;
                while (i < m.length && m[i] == 0) i++;
                if (m.length - i > k) throw new TpmFailure(TpmRc.VALUE);
                yield RsaSchemes.encryptRaw(key, Arrays.copyOfRange(m, i, m.length))
                        .orElseThrow(() -> new TpmFailure(TpmRc.VALUE));
            }
            default -> throw new TpmFailure(TpmRc.SCHEME);
        };
        return new RsaEncryptResponse(out);
    }
}
