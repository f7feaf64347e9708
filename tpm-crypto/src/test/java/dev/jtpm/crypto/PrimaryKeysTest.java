package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrimaryKeysTest {
    static final Secret SEED = Secret.of(Vectors.hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f"));
    static final byte[] TEMPLATE = "a marshalled TPMT_PUBLIC".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CONTEXT = PrimaryKeys.templateContext(TpmAlg.SHA256, TEMPLATE);

    @Test
    void templateContext_isTheTemplatesName() {
        assertThat(CONTEXT).hasSize(34);
        assertThat(CONTEXT[0]).isEqualTo((byte) 0x00);
        assertThat(CONTEXT[1]).isEqualTo((byte) 0x0B);
        assertThat(java.util.Arrays.copyOfRange(CONTEXT, 2, 34)).isEqualTo(Hashes.hash(TpmAlg.SHA256, TEMPLATE));
    }

    @Test
    void templateContext_withSensitiveData_appendsIt_andEmptyDataChangesNothing() {
        assertThat(PrimaryKeys.templateContext(TpmAlg.SHA256, TEMPLATE, new byte[0])).isEqualTo(CONTEXT);
        assertThat(PrimaryKeys.templateContext(TpmAlg.SHA256, TEMPLATE, new byte[] {9})).hasSize(35).endsWith(9);
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 2048})
    void rsa_sameSeedAndTemplate_givesTheSameValidKey(int bits) {
        RsaKey a = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, bits, 0);
        RsaKey b = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, bits, 0);
        assertThat(a).isEqualTo(b);
        assertValid(a, bits, RsaKeys.DEFAULT_EXPONENT);
    }

    @Test
    void rsa_otherTemplateOrSeed_givesAnotherKey() {
        RsaKey a = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, 2048, 0);
        RsaKey otherTemplate = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, PrimaryKeys.templateContext(TpmAlg.SHA256, new byte[] {1}), 2048, 0);
        RsaKey otherSeed = PrimaryKeys.rsa(TpmAlg.SHA256, Secret.of(new byte[] {1}), CONTEXT, 2048, 0);
        assertThat(otherTemplate.n()).isNotEqualTo(a.n());
        assertThat(otherSeed.n()).isNotEqualTo(a.n());
    }

    @Test
    void rsa_templateExponent_isUsed() {
        RsaKey k = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 3);
        assertValid(k, 1024, BigInteger.valueOf(3));
    }

    @Test
    void rsa_fromPrime_rebuildsTheWholeKey() {
        RsaKey k = PrimaryKeys.rsa(TpmAlg.SHA1, SEED, CONTEXT, 1024, 0);
        assertThat(RsaKey.fromPrime(k.n(), k.e(), k.p())).isEqualTo(k);
        assertThat(RsaKey.fromPrime(k.n(), k.e(), k.q()).d()).isEqualTo(k.d());
        assertThat(k.toString()).doesNotContain(k.p().toString(16)).contains("redacted");
    }

    @Test
    void rsa_randomGeneration_givesValidDistinctKeys() {
        SecureRandom rng = new SecureRandom();
        RsaKey a = RsaKeys.generate(RandomBits.of(rng), 1024, 0);
        RsaKey b = RsaKeys.generate(RandomBits.of(rng), 1024, 0);
        assertValid(a, 1024, RsaKeys.DEFAULT_EXPONENT);
        assertThat(a.n()).isNotEqualTo(b.n());
    }

    @Test
    void rsa_primesComeFromTwoStreams_pFromRsaPAndQFromRsaQ() {
        RsaKey k = PrimaryKeys.rsa(TpmAlg.SHA256, SEED, CONTEXT, 1024, 0);
        BigInteger p = RsaKeys.prime(new KdfDrbg(TpmAlg.SHA256, SEED, "RSA P", CONTEXT), 512, RsaKeys.DEFAULT_EXPONENT);
        BigInteger q = RsaKeys.prime(new KdfDrbg(TpmAlg.SHA256, SEED, "RSA Q", CONTEXT), 512, RsaKeys.DEFAULT_EXPONENT);
        assertThat(java.util.Set.of(k.p(), k.q())).containsExactlyInAnyOrder(p, q);
        assertThat(k.n()).isEqualTo(p.multiply(q));
    }

    @ParameterizedTest
    @EnumSource(EccCurve.class)
    void ecc_sameSeedAndTemplate_givesTheSameKeyOnTheCurve(EccCurve curve) {
        EccKey a = PrimaryKeys.ecc(TpmAlg.SHA256, SEED, CONTEXT, curve);
        EccKey b = PrimaryKeys.ecc(TpmAlg.SHA256, SEED, CONTEXT, curve);
        assertThat(a).isEqualTo(b);
        assertThat(a.d()).isPositive().isLessThan(curve.order());
        assertThat(curve.isOnCurve(a.x(), a.y())).isTrue();
        assertThat(a.xBytes()).hasSize(curve.fieldBytes());
        assertThat(PrimaryKeys.ecc(TpmAlg.SHA256, SEED, new byte[] {1}, curve).d()).isNotEqualTo(a.d());
    }

    @Test
    void ecc_scalar_isTheFirstDrbgOctetsPlusOne() {
        // FIPS 186-5 A.2.2: with P-256 a first draw below n-1 is accepted as c, and d = c + 1.
        KdfDrbg drbg = new KdfDrbg(TpmAlg.SHA256, SEED, "ECC", CONTEXT);
        BigInteger c = new BigInteger(1, drbg.next(32));
        EccKey k = PrimaryKeys.ecc(TpmAlg.SHA256, SEED, CONTEXT, EccCurve.NIST_P256);
        if (c.compareTo(EccCurve.NIST_P256.order().subtract(BigInteger.TWO)) <= 0) {
            assertThat(k.d()).isEqualTo(c.add(BigInteger.ONE));
        }
    }

    @Test
    void symmetricKeyedHashAndSeedValue_areDeterministicSizedAndDistinct() {
        Secret aes = PrimaryKeys.symmetric(TpmAlg.SHA256, SEED, CONTEXT, 128);
        assertThat(aes).isEqualTo(PrimaryKeys.symmetric(TpmAlg.SHA256, SEED, CONTEXT, 128));
        assertThat(aes.size()).isEqualTo(16);
        Secret hmac = PrimaryKeys.keyedHash(TpmAlg.SHA256, SEED, CONTEXT, 32);
        Secret seedValue = PrimaryKeys.seedValue(TpmAlg.SHA384, SEED, CONTEXT);
        assertThat(hmac.size()).isEqualTo(32);
        assertThat(seedValue.size()).isEqualTo(48);
        assertThat(hmac.toArray()).isNotEqualTo(PrimaryKeys.symmetric(TpmAlg.SHA256, SEED, CONTEXT, 256).toArray());
        assertThat(aes.toArray()).isEqualTo(Kdf.kdfa(TpmAlg.SHA256, SEED.toArray(), "SYMCIPHER", CONTEXT, new byte[0], 128));
    }

    @Test
    void kdfDrbg_outputDoesNotDependOnHowRequestsAreSplit() {
        byte[] whole = new KdfDrbg(TpmAlg.SHA1, SEED, "RSA", CONTEXT).next(100);
        KdfDrbg d = new KdfDrbg(TpmAlg.SHA1, SEED, "RSA", CONTEXT);
        byte[] a = d.next(7), b = d.next(30), c = d.next(63);
        assertThat(KdfTest.concat(a, b, c)).isEqualTo(whole);
        byte[] block2 = Hashes.hmac(TpmAlg.SHA1, SEED.toArray(), Octets.u32(2), KdfTest.concat("RSA\0".getBytes(StandardCharsets.US_ASCII), CONTEXT, Octets.u32(0)));
        assertThat(java.util.Arrays.copyOfRange(whole, 20, 40)).isEqualTo(block2);
    }

    static void assertValid(RsaKey k, int bits, BigInteger e) {
        assertThat(k.n().bitLength()).isEqualTo(bits);
        assertThat(k.p().bitLength()).isEqualTo(bits / 2);
        assertThat(k.q().bitLength()).isEqualTo(bits / 2);
        assertThat(k.p().isProbablePrime(100)).isTrue();
        assertThat(k.q().isProbablePrime(100)).isTrue();
        assertThat(k.p().multiply(k.q())).isEqualTo(k.n());
        assertThat(k.e()).isEqualTo(e);
        BigInteger lcm = k.p().subtract(BigInteger.ONE).multiply(k.q().subtract(BigInteger.ONE))
                .divide(k.p().subtract(BigInteger.ONE).gcd(k.q().subtract(BigInteger.ONE)));
        assertThat(k.e().multiply(k.d()).mod(lcm)).isEqualTo(BigInteger.ONE);
        BigInteger m = BigInteger.valueOf(0x1234567);
        assertThat(m.modPow(k.e(), k.n()).modPow(k.d(), k.n())).isEqualTo(m);
    }
}
