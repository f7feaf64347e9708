package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.security.SecureRandom;

import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ECDAA: the commit random (fixed by nonce, Name and count, in [1, n−1]), the commit points, and signatures
 * checked by the verifier's equations [s]G = E + [T]Q and [s]P2 = L + [T]K.
 */
class EcdaaTest {
    private static final SecureRandom RNG = new SecureRandom();
    private static final Secret NONCE = Secret.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    private static final byte[] NAME = {0x00, 0x0b, 9, 9, 9};

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P192", "NIST_P224", "NIST_P256", "NIST_P384", "NIST_P521"})
    void commitRandom_isFixedByNonceNameAndCount_andBelowTheOrder(EccCurve c) {
        BigInteger r = Ecdaa.commitRandom(NONCE, NAME, 7, c);
        assertThat(Ecdaa.commitRandom(NONCE, NAME, 7, c)).isEqualTo(r);
        assertThat(r.signum()).isPositive();
        assertThat(r).isLessThan(c.order());
        assertThat(Ecdaa.commitRandom(NONCE, NAME, 8, c)).isNotEqualTo(r);
        assertThat(Ecdaa.commitRandom(NONCE, new byte[0], 7, c)).isNotEqualTo(r);
        assertThat(Ecdaa.commitRandom(Secret.of(new byte[] {1}), NAME, 7, c)).isNotEqualTo(r);
    }

    @ParameterizedTest
    @EnumSource(value = EccCurve.class, names = {"NIST_P256", "NIST_P384", "NIST_P521"})
    void signature_satisfiesSG_equalsE_plusTQ(EccCurve c) {
        EccKey key = EccKeys.generate(RNG::nextBytes, c);
        BigInteger r = Ecdaa.commitRandom(NONCE, NAME, 0, c);
        Ecdaa.Commitment commit = Ecdaa.commit(c, null, r, null, null).orElseThrow();
        assertThat(commit.k()).isNull();
        assertThat(commit.l()).isNull();
        byte[] digest = Hashes.hash(TpmAlg.SHA256, "message".getBytes());
        EccSchemes.Signature sig = Ecdaa.sign(key, r, TpmAlg.SHA256, digest, RNG::nextBytes);
        assertThat(sig.s().size()).isEqualTo(c.orderBytes());
        assertThat(sig.r().unsafeArray()[0]).as("nonceK in minimal octets").isNotZero();
        BigInteger t = Ecdaa.challenge(TpmAlg.SHA256, sig.r().toArray(), digest);
        ECPoint lhs = c.multiplyG(sig.sValue());
        assertThat(lhs).isEqualTo(commit.e().add(key.point().multiply(t)).normalize());
        // another digest does not verify
        BigInteger t2 = Ecdaa.challenge(TpmAlg.SHA256, sig.r().toArray(), new byte[32]);
        assertThat(lhs).isNotEqualTo(commit.e().add(key.point().multiply(t2)).normalize());
    }

    @Test
    void commitWithBasePoint_kIsDP2_lIsRP2_eIsRP1() {
        EccCurve c = EccCurve.NIST_P256;
        EccKey key = EccKeys.generate(RNG::nextBytes, c);
        BigInteger r = Ecdaa.commitRandom(NONCE, NAME, 3, c);
        ECPoint p1 = c.multiplyG(BigInteger.valueOf(11)), p2 = c.multiplyG(BigInteger.valueOf(13));
        Ecdaa.Commitment commit = Ecdaa.commit(c, key.d(), r, p1, p2).orElseThrow();
        assertThat(commit.k()).isEqualTo(key.point().multiply(BigInteger.valueOf(13)).normalize());
        assertThat(commit.l()).isEqualTo(c.multiplyG(r.multiply(BigInteger.valueOf(13)).mod(c.order())));
        assertThat(commit.e()).isEqualTo(c.multiplyG(r.multiply(BigInteger.valueOf(11)).mod(c.order())));
        // with P2 but no P1 there is no E
        assertThat(Ecdaa.commit(c, key.d(), r, null, p2).orElseThrow().e()).isNull();
        // the signature over the base point P2: [s]P2 = L + [T]K
        byte[] digest = new byte[32];
        EccSchemes.Signature sig = Ecdaa.sign(key, r, TpmAlg.SHA256, digest, RNG::nextBytes);
        BigInteger t = Ecdaa.challenge(TpmAlg.SHA256, sig.r().toArray(), digest);
        assertThat(p2.multiply(sig.sValue()).normalize()).isEqualTo(commit.l().add(commit.k().multiply(t)).normalize());
    }

    @Test
    void x2_isTheNameAlgHashOfS2ModP() {
        EccCurve c = EccCurve.NIST_P256;
        byte[] s2 = "s2".getBytes();
        assertThat(Ecdaa.x2(TpmAlg.SHA256, s2, c)).isEqualTo(new BigInteger(1, Hashes.hash(TpmAlg.SHA256, s2)).mod(c.prime()));
    }
}
