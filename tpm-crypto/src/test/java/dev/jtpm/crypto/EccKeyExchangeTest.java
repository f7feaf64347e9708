package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;

import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.agreement.ECMQVBasicAgreement;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.MQVPrivateParameters;
import org.bouncycastle.crypto.params.MQVPublicParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two-phase key exchanges of TPM2_ZGen_2Phase against Bouncy Castle's own implementations: party B
 * computes with BC's ECMQVBasicAgreement / ECDHBasicAgreement / SM2KeyExchange what party A (the TPM)
 * computes here.
 */
class EccKeyExchangeTest {
    private static final SecureRandom RNG = new SecureRandom();

    private static EccKey key(EccCurve c) { return EccKeys.generate(RNG::nextBytes, c); }

    private static ECPrivateKeyParameters priv(EccKey k) { return new ECPrivateKeyParameters(k.d(), k.curve().domain()); }

    private static ECPublicKeyParameters pub(EccKey k) { return new ECPublicKeyParameters(k.point(), k.curve().domain()); }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P192", "NIST_P224", "NIST_P256", "NIST_P384", "NIST_P521"})
    void mqv_agreesWithBouncyCastlesEcmqvBasicAgreement(EccCurve c) {
        for (int i = 0; i < 4; i++) {
            EccKey staticA = key(c), ephemeralA = key(c), staticB = key(c), ephemeralB = key(c);
            EccSchemes.SharedPoint z = EccKeyExchange.mqv(staticA, ephemeralA.d(), staticB.point(), ephemeralB.point()).orElseThrow();

            ECMQVBasicAgreement b = new ECMQVBasicAgreement();
            b.init(new MQVPrivateParameters(priv(staticB), priv(ephemeralB), pub(ephemeralB)));
            BigInteger zb = b.calculateAgreement(new MQVPublicParameters(pub(staticA), pub(ephemeralA)));
            assertThat(new BigInteger(1, z.x().toArray())).as(c.name()).isEqualTo(zb);
            assertThat(z.x().toArray()).hasSize(c.fieldBytes());

            // and A's point is B's point: the whole point, not only x
            EccSchemes.SharedPoint zFromB = EccKeyExchange.mqv(staticB, ephemeralB.d(), staticA.point(), ephemeralA.point())
                    .orElseThrow();
            assertThat(zFromB).isEqualTo(z);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P256", "NIST_P384", "NIST_P521"})
    void fullUnified_zsAndZe_agreeWithBouncyCastlesEcdh(EccCurve c) {
        EccKey staticA = key(c), ephemeralA = key(c), staticB = key(c), ephemeralB = key(c);
        EccSchemes.SharedPoint[] z = EccKeyExchange.fullUnified(staticA, ephemeralA.d(), staticB.point(), ephemeralB.point())
                .orElseThrow();
        ECDHBasicAgreement s = new ECDHBasicAgreement();
        s.init(priv(staticB));
        assertThat(new BigInteger(1, z[0].x().toArray())).isEqualTo(s.calculateAgreement(pub(staticA)));
        ECDHBasicAgreement e = new ECDHBasicAgreement();
        e.init(priv(ephemeralB));
        assertThat(new BigInteger(1, z[1].x().toArray())).isEqualTo(e.calculateAgreement(pub(ephemeralA)));
        ECPoint zs = staticA.point().multiply(staticB.d()).normalize();
        assertThat(new BigInteger(1, z[0].y().toArray())).isEqualTo(zs.getAffineYCoord().toBigInteger());
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P256", "NIST_P521"})
    void avf_isTheLowHalfOfXWithTheNextBitSet(EccCurve c) {
        BigInteger n = c.order();
        int f = (n.bitLength() + 1) / 2;
        ECPoint q = key(c).point();
        BigInteger avf = EccKeyExchange.avf(q, n);
        assertThat(avf.bitLength()).isEqualTo(f + 1);
        assertThat(avf.clearBit(f)).isEqualTo(q.getAffineXCoord().toBigInteger().mod(BigInteger.ONE.shiftLeft(f)));
    }

    /** GM/T 0003.3's x̄, written out here from the standard's text: w = ⌈⌈log2 n⌉/2⌉ − 1, x̄ = 2^w + (x & (2^w − 1)). */
    private static BigInteger xBar(ECPoint p, BigInteger n) {
        int log2n = n.subtract(BigInteger.ONE).bitLength();     // ⌈log2 n⌉ for an n that is not a power of two
        int w = (log2n + 1) / 2 - 1;
        BigInteger x = p.normalize().getAffineXCoord().toBigInteger();
        return BigInteger.ONE.shiftLeft(w).add(x.and(BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE)));
    }

    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void sm2_uIsHtAtBG_andBothSidesComputeTheSamePoint(EccCurve c) {
        BigInteger n = c.order(), h = c.domain().getH();
        for (int i = 0; i < 3; i++) {
            EccKey staticA = key(c), ephemeralA = key(c), staticB = key(c), ephemeralB = key(c);
            EccSchemes.SharedPoint u = EccKeyExchange.sm2(staticA, ephemeralA.d(), staticB.point(), ephemeralB.point())
                    .orElseThrow();
            // tA = dA + x̄1·rA, tB = dB + x̄2·rB: U = [h·tA](PB + [x̄2]RB) = [h·tA·tB]G = V
            BigInteger tA = staticA.d().add(xBar(ephemeralA.point(), n).multiply(ephemeralA.d())).mod(n);
            BigInteger tB = staticB.d().add(xBar(ephemeralB.point(), n).multiply(ephemeralB.d())).mod(n);
            ECPoint expected = c.domain().getG().multiply(h.multiply(tA).multiply(tB).mod(n)).normalize();
            assertThat(new BigInteger(1, u.x().toArray())).as(c.name()).isEqualTo(expected.getAffineXCoord().toBigInteger());
            assertThat(new BigInteger(1, u.y().toArray())).as(c.name()).isEqualTo(expected.getAffineYCoord().toBigInteger());
            assertThat(u.x().toArray()).hasSize(c.fieldBytes());
            assertThat(EccKeyExchange.sm2(staticB, ephemeralB.d(), staticA.point(), ephemeralA.point()).orElseThrow())
                    .isEqualTo(u);
        }
    }

    /** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xP ‖ yP) (GM/T 0003.2 §5.5). */
    private static byte[] userHash(byte[] id, ECPoint p, EccCurve c) {
        SM3Digest d = new SM3Digest();
        int bits = id.length * 8;
        d.update((byte) (bits >> 8));
        d.update((byte) bits);
        d.update(id, 0, id.length);
        for (ECFieldElement e : new ECFieldElement[] {c.domain().getCurve().getA(), c.domain().getCurve().getB(),
                c.domain().getG().getAffineXCoord(), c.domain().getG().getAffineYCoord(), p.normalize().getAffineXCoord(),
                p.normalize().getAffineYCoord()}) {
            byte[] b = e.getEncoded();
            d.update(b, 0, b.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** K = KDF(xU ‖ yU ‖ ZA ‖ ZB, klen) with SM3 (GM/T 0003.3 §5.4.3, step A7). */
    private static byte[] kdf(EccSchemes.SharedPoint u, byte[] za, byte[] zb, int bytes) {
        byte[] in = Arrays.concatenate(Arrays.concatenate(u.x().toArray(), u.y().toArray()), za, zb);
        byte[] out = new byte[0];
        for (int ct = 1; out.length < bytes; ct++) {
            SM3Digest d = new SM3Digest();
            d.update(in, 0, in.length);
            d.update(new byte[] {(byte) (ct >>> 24), (byte) (ct >>> 16), (byte) (ct >>> 8), (byte) ct}, 0, 4);
            byte[] block = new byte[32];
            d.doFinal(block, 0);
            out = Arrays.concatenate(out, block);
        }
        return Arrays.copyOf(out, bytes);
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"SM2_P256", "NIST_P256"})
    void sm2_theKeyDerivedFromTheTpmsPointIsBouncyCastlesSm2KeyExchangeKey(EccCurve c) {
        byte[] idA = "ALICE123@YAHOO.COM".getBytes(), idB = "BILL456@YAHOO.COM".getBytes();
        for (boolean tpmInitiates : new boolean[] {true, false}) {
            EccKey staticA = key(c), ephemeralA = key(c), staticB = key(c), ephemeralB = key(c);
            EccSchemes.SharedPoint u = EccKeyExchange.sm2(staticA, ephemeralA.d(), staticB.point(), ephemeralB.point())
                    .orElseThrow();
            // party B: Bouncy Castle's SM2 key exchange (its U or V stays inside; the derived key is compared)
            SM2KeyExchange b = new SM2KeyExchange();
            b.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(!tpmInitiates, priv(staticB), priv(ephemeralB)), idB));
            byte[] kb = b.calculateKey(128, new ParametersWithID(new SM2KeyExchangePublicParameters(pub(staticA), pub(ephemeralA)),
                    idA));
            byte[] za = userHash(idA, staticA.point(), c), zb = userHash(idB, staticB.point(), c);
            // ZA is always the initiator's
            byte[] ka = tpmInitiates ? kdf(u, za, zb, 16) : kdf(u, zb, za, 16);
            assertThat(ka).as(c.name() + " initiator=" + tpmInitiates).isEqualTo(kb);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"SM2_P256", "NIST_P521", "BN_P638"})
    void sm2W_isHalfTheOrdersBitLengthRoundedUp_lessOne(EccCurve c) {
        int bits = c.order().bitLength();
        assertThat(EccKeyExchange.sm2W(c.order())).isEqualTo((bits + 1) / 2 - 1);
        assertThat(EccKeyExchange.sm2W(EccCurve.SM2_P256.order())).isEqualTo(127);
        ECPoint q = key(c).point();
        assertThat(EccKeyExchange.sm2Avf(q, EccKeyExchange.sm2W(c.order()))).isEqualTo(xBar(q, c.order()));
    }
}
