package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccKeys;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.crypto.RandomBits;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EcdhKeyGen;
import dev.jtpm.types.command.EcdhKeyGenResponse;
import dev.jtpm.types.structure.TpmsEccPoint;

import java.math.BigInteger;
import java.util.Optional;

/**
 * TPM2_ECDH_KeyGen (Part 3, 14.4): makes an ephemeral key pair (d<sub>e</sub>, Q<sub>e</sub>) on the
 * curve of a loaded ECC key with public point Q<sub>s</sub> and returns zPoint = d<sub>e</sub>·Q<sub>s</sub>
 * and pubPoint = Q<sub>e</sub>. No authorization and no attribute checks (as ms-tpm-20-ref): only the
 * public area is used. A product at infinity draws a new ephemeral key.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for an object that is not an ECC key, or whose public
 * point is not on its curve (a public area loaded with a TPM_ALG_NULL nameAlg is not checked on load).
 */
public final class EcdhKeyGenHandler implements CommandHandler<EcdhKeyGen, EcdhKeyGenResponse> {

    @Override
    public EcdhKeyGenResponse execute(EcdhKeyGen cmd, CommandContext ctx) {
        // input validation
        TpmObject o = AsymmetricSupport.keyOfType(ctx.state(), cmd.keyHandle(), TpmAlg.ECC);
        EccCurve curve = AsymmetricSupport.curve(o);
        BigInteger[] q = AsymmetricSupport.coordinates((TpmsEccPoint) o.publicArea().unique());
        if (!curve.isOnCurve(q[0], q[1])) throw new TpmFailure(TpmRc.KEY.atHandle(1));

        // command output
        RandomBits random = b -> ctx.state().platform.entropy().nextBytes(b);
        while (true) {
            EccKey ephemeral = EccKeys.generate(random, curve);
            Optional<EccSchemes.SharedPoint> z = EccSchemes.ecdh(ephemeral, q[0], q[1]);
            if (z.isEmpty()) continue;
            return new EcdhKeyGenResponse(AsymmetricSupport.point(z.get().x().toArray(), z.get().y().toArray()),
                    AsymmetricSupport.point(ephemeral.xBytes(), ephemeral.yBytes()));
        }
    }
}
