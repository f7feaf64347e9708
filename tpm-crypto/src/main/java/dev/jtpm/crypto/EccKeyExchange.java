package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

import java.math.BigInteger;
import java.util.Optional;

import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The two-phase key exchanges of TPM2_ZGen_2Phase (Part 3 §14.7; Part 1 §11.4.7.3; SP 800-56A Rev. 3
 * §6.1.1), party A being the TPM with its static key (d<sub>s,A</sub>) and the ephemeral key
 * d<sub>e,A</sub> of TPM2_EC_Ephemeral, party B given by its public keys Q<sub>s,B</sub> and
 * Q<sub>e,B</sub> (both on the curve; the caller checks).
 * <ul>
 *   <li><b>ECDH, C(2e, 2s, ECC CDH)</b> (Full Unified Model, §6.1.1.2): Z<sub>s</sub> = d<sub>s,A</sub>·Q<sub>s,B</sub>,
 *       Z<sub>e</sub> = d<sub>e,A</sub>·Q<sub>e,B</sub>, both points returned.</li>
 *   <li><b>ECMQV, C(2e, 2s, ECC MQV)</b> (Full MQV, §6.1.1.4 with §5.7.2.3): avf(Q) = (Q.x mod 2<sup>f</sup>)
 *       + 2<sup>f</sup> with f = ⌈log2 n⌉/2 rounded up; implicitsig<sub>A</sub> = d<sub>e,A</sub> +
 *       avf(Q<sub>e,A</sub>)·d<sub>s,A</sub> mod n; P = h·implicitsig<sub>A</sub>·(Q<sub>e,B</sub> +
 *       avf(Q<sub>e,B</sub>)·Q<sub>s,B</sub>); the TPM returns the point P (Z is its x-coordinate).</li>
 *   <li><b>SM2</b> (GM/T 0003.3-2012, the key exchange protocol, steps A4–A7; Part 1 §11.4.7.3): w = ⌈⌈log2 n⌉/2⌉ − 1,
 *       x̄ = 2<sup>w</sup> + (x &amp; (2<sup>w</sup> − 1)); t<sub>A</sub> = d<sub>s,A</sub> + x̄<sub>e,A</sub>·d<sub>e,A</sub>
 *       mod n; U = [h·t<sub>A</sub>](Q<sub>s,B</sub> + [x̄<sub>e,B</sub>]Q<sub>e,B</sub>). The TPM returns the point U
 *       only: the KDF over x<sub>U</sub> ‖ y<sub>U</sub> ‖ Z<sub>A</sub> ‖ Z<sub>B</sub> and the confirmation hashes are the
 *       caller's. (swtpm 0.7.1 / libtpms 0.9 computes x̄ = 2<sup>94</sup> + (x mod 2<sup>66</sup>) on SM2 P-256 —
 *       its w is one smaller and two bignum bit operations slip — so its U agrees only with another libtpms;
 *       this class follows GM/T, as Bouncy Castle's SM2KeyExchange does.)</li>
 * </ul>
 * A result at infinity is empty (TPM_RC_NO_RESULT). Coordinates are fixed to the field size.
 */
public final class EccKeyExchange {
    private EccKeyExchange() {}

    /**
     * C(2e, 2s, ECC CDH): {Z<sub>s</sub>, Z<sub>e</sub>}.
     *
     * @param staticA the TPM's static key (with d)
     * @param ephemeralA d<sub>e,A</sub>
     * @param qsB party B's static public point
     * @param qeB party B's ephemeral public point
     */
    public static Optional<EccSchemes.SharedPoint[]> fullUnified(EccKey staticA, BigInteger ephemeralA, ECPoint qsB,
                                                                 ECPoint qeB) {
        EccCurve c = staticA.curve();
        ECPoint zs = qsB.multiply(staticA.d()).normalize();
        ECPoint ze = qeB.multiply(ephemeralA).normalize();
        if (zs.isInfinity() || ze.isInfinity()) return Optional.empty();
        return Optional.of(new EccSchemes.SharedPoint[] {shared(c, zs), shared(c, ze)});
    }

    /**
     * C(2e, 2s, ECC MQV): the point P (its x-coordinate is Z).
     *
     * @param staticA the TPM's static key (with d)
     * @param ephemeralA d<sub>e,A</sub>
     * @param qsB party B's static public point
     * @param qeB party B's ephemeral public point
     */
    public static Optional<EccSchemes.SharedPoint> mqv(EccKey staticA, BigInteger ephemeralA, ECPoint qsB, ECPoint qeB) {
        EccCurve c = staticA.curve();
        BigInteger n = c.order();
        ECPoint qeA = c.multiplyG(ephemeralA);
        BigInteger implicitSig = ephemeralA.add(avf(qeA, n).multiply(staticA.d())).mod(n);
        BigInteger h = c.domain().getH();
        BigInteger scalar = h.multiply(implicitSig).mod(n);
        ECPoint p = ECAlgorithms.sumOfTwoMultiplies(qeB, scalar, qsB, avf(qeB, n).multiply(scalar).mod(n)).normalize();
        if (p.isInfinity()) return Optional.empty();
        return Optional.of(shared(c, p));
    }

    /**
     * SM2 key exchange: the point U = [h·t<sub>A</sub>](Q<sub>s,B</sub> + [x̄<sub>e,B</sub>]Q<sub>e,B</sub>), the same
     * point party B computes as V.
     *
     * @param staticA the TPM's static key (with d)
     * @param ephemeralA d<sub>e,A</sub> (r<sub>A</sub>)
     * @param qsB party B's static public point (P<sub>B</sub>)
     * @param qeB party B's ephemeral public point (R<sub>B</sub>)
     */
    public static Optional<EccSchemes.SharedPoint> sm2(EccKey staticA, BigInteger ephemeralA, ECPoint qsB, ECPoint qeB) {
        EccCurve c = staticA.curve();
        BigInteger n = c.order();
        int w = sm2W(n);
        ECPoint qeA = c.multiplyG(ephemeralA);
        BigInteger tA = staticA.d().add(sm2Avf(qeA, w).multiply(ephemeralA)).mod(n);
        BigInteger scalar = c.domain().getH().multiply(tA).mod(n);
        ECPoint u = ECAlgorithms.sumOfTwoMultiplies(qsB, scalar, qeB, sm2Avf(qeB, w).multiply(scalar).mod(n)).normalize();
        if (u.isInfinity()) return Optional.empty();
        return Optional.of(shared(c, u));
    }

    /** SM2's w = ⌈⌈log2 n⌉/2⌉ − 1 (n is never a power of two, so ⌈log2 n⌉ is its bit length). */
    static int sm2W(BigInteger n) { return (n.bitLength() + 1) / 2 - 1; }

    /** SM2's x̄ = 2^w + (x &amp; (2^w − 1)). */
    static BigInteger sm2Avf(ECPoint q, int w) {
        BigInteger x = q.normalize().getAffineXCoord().toBigInteger();
        return x.mod(BigInteger.ONE.shiftLeft(w)).setBit(w);
    }

    /** The associate value function (SP 800-56A §5.7.2.3): (x mod 2^f) + 2^f, f = ⌈⌈log2 n⌉ / 2⌉. */
    static BigInteger avf(ECPoint q, BigInteger n) {
        int f = (n.bitLength() + 1) / 2;
        BigInteger x = q.normalize().getAffineXCoord().toBigInteger();
        return x.mod(BigInteger.ONE.shiftLeft(f)).setBit(f);
    }

    private static EccSchemes.SharedPoint shared(EccCurve c, ECPoint p) {
        return new EccSchemes.SharedPoint(Secret.of(Octets.fixed(p.getAffineXCoord().toBigInteger(), c.fieldBytes())),
                Secret.of(Octets.fixed(p.getAffineYCoord().toBigInteger(), c.fieldBytes())));
    }
}
