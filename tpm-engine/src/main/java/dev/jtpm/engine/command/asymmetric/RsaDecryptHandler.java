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
import dev.jtpm.types.command.RsaDecrypt;
import dev.jtpm.types.command.RsaDecryptResponse;

import java.util.Optional;

/**
 * TPM2_RSA_Decrypt (Part 3, 14.3): decrypts {@code cipherText} with the private part of an
 * unrestricted RSA decryption key and removes the selected scheme's padding (selection as
 * {@link RsaEncryptHandler}). Authorization is USER role. With TPM_ALG_NULL the result is the raw
 * RSADP output, as long as the modulus.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for an object that is not an RSA key; TPM_RC_ATTRIBUTES
 * (handle 1) when decrypt is clear or restricted is set; TPM_RC_VALUE (parameter 3) for a label not
 * ending in a zero octet; TPM_RC_SCHEME (parameter 2) when the key's and the command's schemes
 * disagree; TPM_RC_SIZE when cipherText is not as long as the modulus or not below it (ms-tpm's
 * RSADP); TPM_RC_VALUE when its padding is wrong (or the label differs); TPM_RC_SCHEME when no
 * scheme is an encryption scheme. The last three carry no index: ms-tpm-20-ref returns them from
 * CryptRsaDecrypt as they are, and libtpms answers the short cipherText with a bare TPM_RC_SIZE too
 * (a cipherText not below the modulus and a bad padding it answers with TPM_RC_FAILURE, its OpenSSL
 * error, which we do not copy).
 */
public final class RsaDecryptHandler implements CommandHandler<RsaDecrypt, RsaDecryptResponse> {

    @Override
    public RsaDecryptResponse execute(RsaDecrypt cmd, CommandContext ctx) {
        // input validation
        TpmObject o = AsymmetricSupport.keyOfType(ctx.state(), cmd.keyHandle(), TpmAlg.RSA);
        if (o.attributes().restricted() || !o.attributes().decrypt()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        byte[] label = cmd.label().unsafeArray();
        if (!RsaSchemes.isValidLabel(label)) throw new TpmFailure(TpmRc.VALUE.atParameter(3));
        AsymmetricSupport.Selected scheme = AsymmetricSupport.selectScheme(o, cmd.inScheme());
        if (scheme == null) throw new TpmFailure(TpmRc.SCHEME.atParameter(2));
        if (o.publicOnly()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        RsaKey key = AsymmetricSupport.rsaKey(o);
        byte[] c = cmd.cipherText().unsafeArray();
        if (c.length != key.modulusBytes()) throw new TpmFailure(TpmRc.SIZE);
        if (new java.math.BigInteger(1, c).compareTo(key.n()) >= 0) throw new TpmFailure(TpmRc.SIZE); // ms-tpm RSADP

        // command output
        Optional<Bytes> m = switch (scheme.scheme()) {
            case TpmAlg.OAEP -> RsaSchemes.decryptOaep(key, scheme.hashAlg(), label, c);
            case TpmAlg.RSAES -> RsaSchemes.decryptPkcs1(key, c);
            case TpmAlg.NULL -> RsaSchemes.decryptRaw(key, c);
            default -> throw new TpmFailure(TpmRc.SCHEME);
        };
        return new RsaDecryptResponse(m.orElseThrow(() -> new TpmFailure(TpmRc.VALUE)));
    }
}
