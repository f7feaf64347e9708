package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;

import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.agreement.ECMQVBasicAgreement;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.MQVPrivateParameters;
import org.bouncycastle.crypto.params.MQVPublicParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two-phase key exchanges of TPM2_ZGen_2Phase against Bouncy Castle's own implementations: party B
 * computes with BC's ECMQVBasicAgreement / ECDHBasicAgreement what party A (the TPM) computes here.
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
}
