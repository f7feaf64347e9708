package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EcdhZGen;
import dev.jtpm.types.command.EcdhZGenResponse;
import dev.jtpm.types.structure.TpmsEccParms;

import java.math.BigInteger;

/**
 * TPM2_ECDH_ZGen (Part 3, 14.5): the second half of ECDH, outPoint = d<sub>s</sub>·inPoint with the
 * private scalar of an unrestricted ECC decryption key whose scheme is TPM_ALG_ECDH or TPM_ALG_NULL.
 * Authorization is USER role.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for an object that is not an ECC key or has no private
 * part; TPM_RC_ATTRIBUTES (handle 1) when decrypt is clear or restricted is set; TPM_RC_SCHEME
 * (handle 1) when the key's scheme is neither ECDH nor NULL (a decryption key with the SM2 scheme, as
 * libtpms answers, or an ECMQV key: ECMQV needs TPM2_ZGen_2Phase); TPM_RC_ECC_POINT (parameter 1) when
 * inPoint is not on the key's curve; TPM_RC_NO_RESULT (parameter 1) when the product is the point at
 * infinity.
 */
public final class EcdhZGenHandler implements CommandHandler<EcdhZGen, EcdhZGenResponse> {

    @Override
    public EcdhZGenResponse execute(EcdhZGen cmd, CommandContext ctx) {
        // input validation
        TpmObject o = AsymmetricSupport.keyOfType(ctx.state(), cmd.keyHandle(), TpmAlg.ECC);
        if (o.attributes().restricted() || !o.attributes().decrypt()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        int scheme = ((TpmsEccParms) o.publicArea().parameters()).scheme().scheme();
        if (scheme != TpmAlg.ECDH && scheme != TpmAlg.NULL) throw new TpmFailure(TpmRc.SCHEME.atHandle(1));
        if (o.publicOnly()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        EccCurve curve = AsymmetricSupport.curve(o);
        BigInteger[] p = AsymmetricSupport.coordinates(cmd.inPoint());
        if (!curve.isOnCurve(p[0], p[1])) throw new TpmFailure(TpmRc.ECC_POINT.atParameter(1));

        // command output
        EccSchemes.SharedPoint z = EccSchemes.ecdh(AsymmetricSupport.eccPrivateKey(o), p[0], p[1])
                .orElseThrow(() -> new TpmFailure(TpmRc.NO_RESULT.atParameter(1)));
        return new EcdhZGenResponse(AsymmetricSupport.point(z.x().toArray(), z.y().toArray()));
    }
}
