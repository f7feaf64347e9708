package dev.jtpm.crypto;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * RSA key generation from a {@link RandomBits} source: deterministic when the source is a
 * {@link KdfDrbg} (primary keys, Part 1 §26.2), random when it is a SecureRandom (TPM2_Create).
 *
 * <p>The algorithm (ms-tpm-20-ref's shape: candidates and Miller-Rabin bases from the same DRBG; it
 * does not reproduce libtpms's primes, which nothing requires since a TPM's seeds are its own):
 * <ol>
 *   <li>{@code e} is the template's exponent, or 65537 when it is 0; it must be odd and at least 3.</li>
 *   <li>For each of p then q (keyBits/2 bits each): take keyBits/16 octets, big-endian; set the two
 *       top bits (so p·q has exactly keyBits bits and p, q ≥ √2·2^(k−1)) and the low bit.</li>
 *   <li>Reject the candidate if a prime below 2000 divides it, if gcd(c−1, e) ≠ 1, or if it fails
 *       Miller-Rabin with bases drawn from the source (each base: the next keyBits/16 octets, redrawn
 *       until 1 &lt; b &lt; c−1). Rounds as FIPS 186-5 Table B.1 asks for error ≤ 2^−100:
 *       7 for 512-bit primes, 5 for 1024-bit, 4 from 1536 bits. On rejection draw a new candidate.</li>
 *   <li>q is also rejected when |p − q| ≤ 2^(keyBits/2 − 100).</li>
 *   <li>d = e^−1 mod lcm(p−1, q−1); if d ≤ 2^(keyBits/2) (never in practice), draw a new q.</li>
 *   <li>If p &lt; q they are swapped, so the stored prime is the larger one.</li>
 * </ol>
 */
public final class RsaKeys {
    private RsaKeys() {}

    /** The exponent a TPM uses when the template's exponent is 0 (Part 2 §12.2.3.5). */
    public static final BigInteger DEFAULT_EXPONENT = BigInteger.valueOf(65537);

    private static final int[] SMALL_PRIMES = smallPrimes(2000);
    /** Products of runs of small primes that fit in a long, for cheap trial division. */
    private static final long[] PRODUCTS;
    private static final int[][] GROUPS;

    static {
        List<long[]> groups = new ArrayList<>();
        List<Long> products = new ArrayList<>();
        int i = 1; // skip 2: candidates are odd
        while (i < SMALL_PRIMES.length) {
            long prod = 1;
            List<Long> g = new ArrayList<>();
            while (i < SMALL_PRIMES.length && Math.multiplyHigh(prod, SMALL_PRIMES[i]) == 0
                    && prod * SMALL_PRIMES[i] > 0) {
                prod *= SMALL_PRIMES[i];
                g.add((long) SMALL_PRIMES[i]);
                i++;
            }
            products.add(prod);
            groups.add(g.stream().mapToLong(Long::longValue).toArray());
        }
        PRODUCTS = products.stream().mapToLong(Long::longValue).toArray();
        GROUPS = new int[groups.size()][];
        for (int k = 0; k < groups.size(); k++) {
            long[] g = groups.get(k);
            GROUPS[k] = new int[g.length];
            for (int j = 0; j < g.length; j++) GROUPS[k][j] = (int) g[j];
        }
    }

    /**
     * Generates a key pair.
     *
     * @param random where candidates and Miller-Rabin bases come from
     * @param keyBits the modulus size: a multiple of 16, at least 512
     * @param exponent the public exponent from the template; 0 means 65537
     */
    public static RsaKey generate(RandomBits random, int keyBits, long exponent) {
        if (keyBits < 512 || keyBits % 16 != 0) throw new IllegalArgumentException("unsupported RSA key size " + keyBits);
        BigInteger e = exponent == 0 ? DEFAULT_EXPONENT : BigInteger.valueOf(exponent);
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) throw new IllegalArgumentException("bad exponent " + exponent);
        int half = keyBits / 2;
        BigInteger p = prime(random, half, e);
        BigInteger minDistance = BigInteger.ONE.shiftLeft(half - 100);
        while (true) {
            BigInteger q = prime(random, half, e);
            if (p.subtract(q).abs().compareTo(minDistance) <= 0) continue;
            BigInteger d = privateExponent(e, p, q);
            if (d.bitLength() <= half) continue;
            BigInteger big = p.max(q), small = p.min(q);
            return new RsaKey(p.multiply(q), e, big, small, d);
        }
    }

    /** d = e^−1 mod lcm(p−1, q−1). */
    static BigInteger privateExponent(BigInteger e, BigInteger p, BigInteger q) {
        BigInteger p1 = p.subtract(BigInteger.ONE), q1 = q.subtract(BigInteger.ONE);
        BigInteger lcm = p1.divide(p1.gcd(q1)).multiply(q1);
        return e.modInverse(lcm);
    }

    private static BigInteger prime(RandomBits random, int bits, BigInteger e) {
        int bytes = bits / 8;
        int rounds = bits >= 1536 ? 4 : bits >= 1024 ? 5 : 7;
        while (true) {
            byte[] b = random.next(bytes);
            BigInteger c = new BigInteger(1, b).setBit(bits - 1).setBit(bits - 2).setBit(0);
            if (hasSmallFactor(c)) continue;
            if (!c.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE)) continue;
            if (millerRabin(c, rounds, random, bytes)) return c;
        }
    }

    private static boolean hasSmallFactor(BigInteger c) {
        for (int k = 0; k < PRODUCTS.length; k++) {
            long r = c.mod(BigInteger.valueOf(PRODUCTS[k])).longValue();
            for (int pr : GROUPS[k]) if (r % pr == 0) return true;
        }
        return false;
    }

    /** Miller-Rabin with bases drawn from {@code random} (FIPS 186-5 B.3.1). */
    static boolean millerRabin(BigInteger w, int rounds, RandomBits random, int bytes) {
        BigInteger w1 = w.subtract(BigInteger.ONE);
        int a = w1.getLowestSetBit();
        BigInteger m = w1.shiftRight(a);
        for (int i = 0; i < rounds; i++) {
            BigInteger b;
            do {
                b = new BigInteger(1, random.next(bytes));
            } while (b.compareTo(BigInteger.ONE) <= 0 || b.compareTo(w1) >= 0);
            BigInteger z = b.modPow(m, w);
            if (z.equals(BigInteger.ONE) || z.equals(w1)) continue;
            boolean composite = true;
            for (int j = 1; j < a; j++) {
                z = z.multiply(z).mod(w);
                if (z.equals(w1)) { composite = false; break; }
                if (z.equals(BigInteger.ONE)) break;
            }
            if (composite) return false;
        }
        return true;
    }

    private static int[] smallPrimes(int limit) {
        boolean[] composite = new boolean[limit];
        List<Integer> r = new ArrayList<>();
        for (int i = 2; i < limit; i++) {
            if (composite[i]) continue;
            r.add(i);
            for (int j = i * i; j < limit; j += i) composite[j] = true;
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }
}
