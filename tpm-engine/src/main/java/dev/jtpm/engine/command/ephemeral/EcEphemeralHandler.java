package dev.jtpm.engine.command.ephemeral;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.EcEphemeral;
import dev.jtpm.types.command.EcEphemeralResponse;

import org.bouncycastle.math.ec.ECPoint;

/**
 * TPM2_EC_Ephemeral (Part 3, 19.3): the first phase of a two-phase key exchange. The ephemeral private
 * key is the commit random r of the current commit count with an empty Name (ms-tpm CryptGenerateR),
 * so the TPM keeps nothing but the count: Q = [r]G is returned with the count's low 16 bits, which
 * TPM2_ZGen_2Phase takes to recompute r and then uses up. No handles, no authorization.
 *
 * <p>Response codes: TPM_RC_CURVE (parameter 1, from unmarshalling): curveID is not an implemented
 * curve. Nothing else can fail: 0 &lt; r &lt; n, so Q is never the point at infinity.
 */
public final class EcEphemeralHandler implements CommandHandler<EcEphemeral, EcEphemeralResponse> {

    @Override
    public EcEphemeralResponse execute(EcEphemeral cmd, CommandContext ctx) {
        // command output (the curve was checked while unmarshalling)
        TpmState s = ctx.state();
        EccCurve curve = EccCurve.of(cmd.curveID());
        ECPoint q = curve.multiplyG(s.commit.nextRandom(curve, Bytes.EMPTY));
        int counter = s.commit.commit();
        return new EcEphemeralResponse(EphemeralSupport.toTpms(curve, q), counter);
    }
}
