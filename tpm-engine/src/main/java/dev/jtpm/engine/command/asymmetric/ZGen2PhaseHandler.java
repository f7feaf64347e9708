package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccKeyExchange;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.ephemeral.EphemeralSupport;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.ZGen2Phase;
import dev.jtpm.types.command.ZGen2PhaseResponse;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;

import java.math.BigInteger;

import org.bouncycastle.math.ec.ECPoint;

/**
 * TPM2_ZGen_2Phase (Part 3, 14.7): the second phase of a two-phase key exchange, with keyA's static
 * private key and the ephemeral key of TPM2_EC_Ephemeral named by {@code counter} (its r recomputed
 * from the commit nonce, {@link dev.jtpm.engine.state.CommitState}), against party B's static and
 * ephemeral public keys (tpm-crypto {@link EccKeyExchange}):
 * <ul>
 *   <li>TPM_ALG_ECDH, C(2e, 2s, ECC CDH): outZ1 = d<sub>s,A</sub>·Q<sub>s,B</sub>, outZ2 = d<sub>e,A</sub>·Q<sub>e,B</sub>;</li>
 *   <li>TPM_ALG_ECMQV, C(2e, 2s, ECC MQV): outZ1 = the MQV point (Z is its x), outZ2 empty;</li>
 *   <li>TPM_ALG_SM2 (GM/T 0003.3 key exchange): outZ1 = U = [h·t<sub>A</sub>](Q<sub>s,B</sub> +
 *       [x̄<sub>e,B</sub>]Q<sub>e,B</sub>), outZ2 empty; the KDF and the confirmation hashes are the caller's.
 *       libtpms 0.9 computes x̄ differently (see {@link EccKeyExchange}), so swtpm's U differs from this one.</li>
 * </ul>
 * The scheme is keyA's when it has one (inScheme must then equal it), else inScheme. On success the
 * count is used up. Authorization is USER role. The three exchanges work on every curve of the key.
 *
 * <p>Response codes, in ms-tpm-20-ref's order:
 * <ul>
 *   <li>TPM_RC_KEY (handle 1): keyA is not an ECC key, or has no private part;</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): keyA is restricted or not a decryption key;</li>
 *   <li>TPM_RC_SCHEME (parameter 3): keyA has a scheme and inScheme differs from it; from
 *       unmarshalling: inScheme is not ECDH, ECMQV or SM2 (TPM_ALG_NULL included);</li>
 *   <li>TPM_RC_ECC_POINT (parameter 1 / 2): inQsB / inQeB is not on keyA's curve;</li>
 *   <li>TPM_RC_VALUE (parameter 4): counter names no outstanding commitment (never taken, already
 *       used, or 128 or more counts old);</li>
 *   <li>TPM_RC_NO_RESULT: a result is the point at infinity.</li>
 * </ul>
 */
public final class ZGen2PhaseHandler implements CommandHandler<ZGen2Phase, ZGen2PhaseResponse> {

    @Override
    public ZGen2PhaseResponse execute(ZGen2Phase cmd, CommandContext ctx) {
        // input validation
        TpmObject keyA = AsymmetricSupport.keyOfType(ctx.state(), cmd.keyA(), TpmAlg.ECC);
        if (keyA.attributes().restricted() || !keyA.attributes().decrypt()) {
            throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        }
        if (keyA.publicOnly()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        int scheme = ((TpmsEccParms) keyA.publicArea().parameters()).scheme().scheme();
        if (scheme == TpmAlg.NULL) scheme = cmd.inScheme();
        else if (scheme != cmd.inScheme()) throw new TpmFailure(TpmRc.SCHEME.atParameter(3));
        if (scheme != TpmAlg.ECDH && scheme != TpmAlg.ECMQV && scheme != TpmAlg.SM2) {
            throw new TpmFailure(TpmRc.SCHEME.atParameter(3));
        }
        EccCurve curve = AsymmetricSupport.curve(keyA);
        ECPoint qsB = EphemeralSupport.toPoint(curve, cmd.inQsB());
        if (qsB == null) throw new TpmFailure(TpmRc.ECC_POINT.atParameter(1));
        ECPoint qeB = EphemeralSupport.toPoint(curve, cmd.inQeB());
        if (qeB == null) throw new TpmFailure(TpmRc.ECC_POINT.atParameter(2));
        BigInteger deA = ctx.state().commit.committedRandom(cmd.counter(), curve, Bytes.EMPTY);
        if (deA == null) throw new TpmFailure(TpmRc.VALUE.atParameter(4));

        // command output
        EccKey dsA = AsymmetricSupport.eccPrivateKey(keyA);
        ZGen2PhaseResponse out;
        if (scheme == TpmAlg.ECDH) {
            EccSchemes.SharedPoint[] z = EccKeyExchange.fullUnified(dsA, deA, qsB, qeB)
                    .orElseThrow(() -> new TpmFailure(TpmRc.NO_RESULT));
            out = new ZGen2PhaseResponse(tpms(z[0]), tpms(z[1]));
        } else {
            EccSchemes.SharedPoint z = (scheme == TpmAlg.ECMQV ? EccKeyExchange.mqv(dsA, deA, qsB, qeB)
                    : EccKeyExchange.sm2(dsA, deA, qsB, qeB)).orElseThrow(() -> new TpmFailure(TpmRc.NO_RESULT));
            out = new ZGen2PhaseResponse(tpms(z), TpmsEccPoint.EMPTY);
        }
        ctx.state().commit.endCommit(cmd.counter());
        return out;
    }

    private static TpmsEccPoint tpms(EccSchemes.SharedPoint p) {
        return AsymmetricSupport.point(p.x().toArray(), p.y().toArray());
    }
}
