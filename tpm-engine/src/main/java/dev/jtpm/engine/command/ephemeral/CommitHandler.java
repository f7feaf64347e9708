package dev.jtpm.engine.command.ephemeral;

import dev.jtpm.crypto.Ecdaa;
import dev.jtpm.crypto.EccCurve;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Commit;
import dev.jtpm.types.command.CommitResponse;
import dev.jtpm.types.structure.TpmsEccParms;

import java.math.BigInteger;

import org.bouncycastle.math.ec.ECPoint;

/**
 * TPM2_Commit (Part 3, 19.2): the first half of an ECDAA signature. With the signing key's d and the
 * commit random r of the current commit count ({@link dev.jtpm.engine.state.CommitState}): when s2 and
 * y2 are given, P2 = (H<sub>nameAlg</sub>(s2) mod p, y2), K = [d]P2 and L = [r]P2; E = [r]P1 when P1
 * is given, or [r]G when neither P1 nor s2 is (tpm-crypto {@link Ecdaa}). On success the count is
 * committed: its bit is set, the counter advances, and its low 16 bits are returned for TPM2_Sign.
 * Authorization is USER role. The checks come in ms-tpm-20-ref's order.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_KEY (handle 1): not an ECC key; or s2 is given and the key has no private part;</li>
 *   <li>TPM_RC_SCHEME (handle 1): the key's scheme is not anonymous (ECDAA);</li>
 *   <li>TPM_RC_SIZE (parameter 3): one of s2 and y2 is empty and the other not;</li>
 *   <li>TPM_RC_HASH (handle 1): s2 is given and the key's nameAlg is TPM_ALG_NULL;</li>
 *   <li>TPM_RC_ECC_POINT (parameter 2): P2 is not on the key's curve;</li>
 *   <li>TPM_RC_ECC_POINT (parameter 1): P1 is given and not on the key's curve;</li>
 *   <li>TPM_RC_NO_RESULT: K, L or E is the point at infinity;</li>
 *   <li>TPM_RC_SIZE (parameter 1, from unmarshalling): P1 is a TPM2B of size 0 (the empty point has
 *       two empty coordinates).</li>
 * </ul>
 */
public final class CommitHandler implements CommandHandler<Commit, CommitResponse> {

    @Override
    public CommitResponse execute(Commit cmd, CommandContext ctx) {
        // input validation
        TpmState s = ctx.state();
        if (!(s.objects.get(cmd.signHandle()) instanceof TpmObject key) || key.publicArea().type() != TpmAlg.ECC) {
            throw new TpmFailure(TpmRc.KEY.atHandle(1));
        }
        TpmsEccParms parms = (TpmsEccParms) key.publicArea().parameters();
        if (parms.scheme().scheme() != TpmAlg.ECDAA) throw new TpmFailure(TpmRc.SCHEME.atHandle(1));
        if (cmd.s2().isEmpty() != cmd.y2().isEmpty()) throw new TpmFailure(TpmRc.SIZE.atParameter(3));
        EccCurve curve = EccCurve.of(parms.curveID());
        if (curve == null) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        ECPoint p2 = null;
        if (!cmd.s2().isEmpty()) {
            if (key.publicArea().nameAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.HASH.atHandle(1));
            BigInteger x2 = Ecdaa.x2(key.publicArea().nameAlg(), cmd.s2().unsafeArray(), curve);
            BigInteger y2 = new BigInteger(1, cmd.y2().unsafeArray());
            if (!curve.isOnCurve(x2, y2)) {
                throw new TpmFailure(TpmRc.ECC_POINT.atParameter(2));
            }
            if (key.publicOnly()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
            p2 = curve.point(x2, y2);
        }
        ECPoint p1 = null;
        if (!cmd.p1().x().isEmpty() || !cmd.p1().y().isEmpty()) {       // ms-tpm: P1.size > 4
            p1 = EphemeralSupport.toPoint(curve, cmd.p1());
            if (p1 == null) throw new TpmFailure(TpmRc.ECC_POINT.atParameter(1));
        }

        // command output
        BigInteger r = s.commit.nextRandom(curve, key.name());
        BigInteger d = p2 == null ? null : Signatures.eccKey(key).d();
        Ecdaa.Commitment c = Ecdaa.commit(curve, d, r, p1, p2).orElseThrow(() -> new TpmFailure(TpmRc.NO_RESULT));
        int counter = s.commit.commit();
        return new CommitResponse(EphemeralSupport.toTpms(curve, c.k()), EphemeralSupport.toTpms(curve, c.l()),
                EphemeralSupport.toTpms(curve, c.e()), counter);
    }
}
