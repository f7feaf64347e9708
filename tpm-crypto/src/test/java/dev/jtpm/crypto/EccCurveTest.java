package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EccCurveTest {
    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void domainParameters_areConsistent(EccCurve c) {
        var g = c.domain().getG();
        assertThat(g.isValid()).isTrue();
        assertThat(c.order().isProbablePrime(64)).isTrue();
        assertThat(c.prime().isProbablePrime(64)).isTrue();
        assertThat(g.multiply(c.order()).isInfinity()).isTrue();
        assertThat(EccCurve.of(c.id)).isSameAs(c);
    }

    @Test
    void sizes_matchTheTpmCurveTable() {
        assertThat(EccCurve.NIST_P192.fieldBytes()).isEqualTo(24);
        assertThat(EccCurve.NIST_P224.fieldBytes()).isEqualTo(28);
        assertThat(EccCurve.NIST_P256.fieldBytes()).isEqualTo(32);
        assertThat(EccCurve.NIST_P384.fieldBytes()).isEqualTo(48);
        assertThat(EccCurve.NIST_P521.fieldBytes()).isEqualTo(66);
        assertThat(EccCurve.BN_P256.fieldBytes()).isEqualTo(32);
        assertThat(EccCurve.BN_P638.fieldBytes()).isEqualTo(80);
        assertThat(EccCurve.SM2_P256.fieldBytes()).isEqualTo(32);
        assertThat(EccCurve.BN_P638.prime().bitLength()).isEqualTo(638);
        assertThat(EccCurve.of(0x0006)).isNull();
    }

    @Test
    void pointNotOnCurve_isRecognised() {
        EccKey k = EccKeys.generate(RandomBits.of(new java.security.SecureRandom()), EccCurve.NIST_P256);
        assertThat(EccCurve.NIST_P256.isOnCurve(k.x(), k.y())).isTrue();
        assertThat(EccCurve.NIST_P256.isOnCurve(k.x(), k.y().add(java.math.BigInteger.ONE))).isFalse();
    }
}
