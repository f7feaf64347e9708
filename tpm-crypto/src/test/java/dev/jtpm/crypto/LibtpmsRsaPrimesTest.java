package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pieces of libtpms' primary RSA generation checked against their definitions (the end-to-end known answers,
 * swtpm's EKs from the same seed, are in tpm-engine's LibtpmsDerivationTest and jtpm-libtpms' tests).
 */
class LibtpmsRsaPrimesTest {

    /** The sieve marks exactly the odd numbers base + 2j without an odd prime factor up to the limit. */
    @Test
    void sieve_marksNumbersWithoutSmallFactors() {
        Random r = new Random(7);
        for (int limitIndex : new int[] {8167 >> 1, 38891 >> 1, 65535 >> 1}) {
            BigInteger base = new BigInteger(1024, r).setBit(1023).multiply(BigInteger.valueOf(105)).setBit(0);
            base = base.subtract(base.mod(BigInteger.valueOf(210))).add(BigInteger.valueOf(105)); // odd multiple of 105
            boolean[] field = LibtpmsRsaPrimes.sieve(base, limitIndex);
            int maxPrime = 2 * limitIndex + 1;
            boolean[] expected = new boolean[field.length];
            java.util.Arrays.fill(expected, true);
            for (int q = 3; q <= maxPrime; q += 2) {
                if (!BigInteger.valueOf(q).isProbablePrime(30)) continue;
                long r0 = base.mod(BigInteger.valueOf(q)).longValue();
                for (int j = 0; j < field.length; j++) if ((r0 + 2L * j) % q == 0) expected[j] = false;
            }
            assertThat(field).as("limit %d", maxPrime).isEqualTo(expected);
        }
    }

    /** RSA_PRIME_ADJUST_FIX: the top 32 bits scaled into [0xB5050000, 0xFFFFFFFF]; the rest kept; odd. */
    @Test
    void adjust_scalesTheTopWordAndKeepsTheRest() {
        int bits = 1024;
        BigInteger zeros = BigInteger.ZERO, ones = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        assertThat(LibtpmsRsaPrimes.adjust(zeros, bits).shiftRight(bits - 32).longValue()).isEqualTo(0xB5050000L);
        assertThat(LibtpmsRsaPrimes.adjust(ones, bits).shiftRight(bits - 32).longValue()).isEqualTo(0xFFFFFFFFL);
        BigInteger c = new BigInteger(bits, new Random(3));
        BigInteger a = LibtpmsRsaPrimes.adjust(c, bits);
        assertThat(a.testBit(0)).isTrue();
        assertThat(a.clearBit(0).mod(BigInteger.ONE.shiftLeft(bits - 32)))
                .isEqualTo(c.clearBit(0).mod(BigInteger.ONE.shiftLeft(bits - 32)));
        assertThat(a.bitLength()).isEqualTo(bits);
    }

    /** ORIGINAL (pre-rev.155): a 16-bit top, the top word's middle 32 bits cleared, the low 16 bits of it kept. */
    @Test
    void adjustOriginal_keepsOnlyTheLow16BitsOfTheTopWord() {
        int bits = 1024;
        BigInteger ones = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger a = LibtpmsRsaPrimes.adjustOriginal(ones, bits);
        assertThat(a.shiftRight(bits - 16).intValue()).isEqualTo(0xFFFF);
        assertThat(a.shiftRight(bits - 64).longValue() & 0x0000FFFFFFFF0000L).isZero();
        assertThat(a.shiftRight(bits - 64).longValue() & 0xFFFF).isEqualTo(0xFFFF);
        assertThat(LibtpmsRsaPrimes.adjustOriginal(BigInteger.ZERO, bits).shiftRight(bits - 16).intValue()).isEqualTo(0xB505);
    }

    /** The same seed, Name and data give the same key; the generated key is a valid RSA key of the size asked. */
    @Test
    void generate_isDeterministicAndValid() {
        Secret seed = Secret.of(new byte[64]);
        byte[] name = {0, 11, 1, 2, 3};
        RsaKey a = LibtpmsRsaPrimes.generate(LibtpmsDrbg.primary(seed, name, new byte[0], 1), 2048, 0, true);
        RsaKey b = LibtpmsRsaPrimes.generate(LibtpmsDrbg.primary(seed, name, new byte[0], 1), 2048, 0, true);
        assertThat(a.n()).isEqualTo(b.n());
        assertThat(a.n().bitLength()).isEqualTo(2048);
        assertThat(a.p().multiply(a.q())).isEqualTo(a.n());
        assertThat(a.p().isProbablePrime(40) && a.q().isProbablePrime(40)).isTrue();
        BigInteger m = BigInteger.valueOf(123456789);
        assertThat(m.modPow(a.e(), a.n()).modPow(a.d(), a.n())).isEqualTo(m);
        RsaKey other = LibtpmsRsaPrimes.generate(LibtpmsDrbg.primary(seed, name, new byte[] {1}, 1), 2048, 0, true);
        assertThat(other.n()).isNotEqualTo(a.n());
    }

    /** Each request is one DRBG_Generate: two requests of 16 differ from one request of 32 after the first block. */
    @Test
    void drbg_requestsAreSeparateGenerates() {
        Secret seed = Secret.of(new byte[32]);
        byte[] one = LibtpmsDrbg.primary(seed, new byte[2], new byte[0], 1).next(32);
        LibtpmsDrbg d = LibtpmsDrbg.primary(seed, new byte[2], new byte[0], 1);
        byte[] first = d.next(16), second = d.next(16);
        assertThat(java.util.Arrays.copyOf(one, 16)).isEqualTo(first);
        assertThat(java.util.Arrays.copyOfRange(one, 16, 32)).isNotEqualTo(second);
    }
}
