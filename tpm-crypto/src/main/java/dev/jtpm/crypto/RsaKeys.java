package dev.jtpm.crypto;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;

/**
 * RSA key generation from a {@link RandomBits} source: deterministic when the source is a
 * {@link KdfDrbg} (primary keys, Part 1 §26.2), random when it is a SecureRandom (TPM2_Create).
 *
 * <p>The algorithm (ms-tpm-20-ref's shape: candidates and Miller-Rabin bases from the same DRBG; it
 * does not reproduce libtpms's primes, which nothing requires since a TPM's seeds are its own):
 * <ol>
 *   <li>{@code e} is the template's exponent, or 65537 when it is 0; it must be odd and at least 3.</li>
 *   <li>For each of p and q (keyBits/2 bits each; from two sources, one each, searched in parallel):
 *       a start value s from the next keyBits/16 octets,
 *       big-endian, with the two top bits set (so p·q has exactly keyBits bits and p, q ≥ √2·2^(k−1))
 *       and the low bit set.</li>
 *   <li>Sieve the window s, s+2, …, s+2·4095 with the odd primes below 2^15 (ms-tpm-20-ref also
 *       sieves a field of candidates from one DRBG start). Walk the survivors in increasing order;
 *       skip one with gcd(c−1, e) ≠ 1; accept the first that passes Miller-Rabin with bases drawn
 *       from the source (each base: the next keyBits/16 octets, redrawn until 1 &lt; b &lt; c−1).
 *       Rounds as FIPS 186-5 Table B.1 asks for error ≤ 2^−100: 7 for 512-bit primes, 5 for
 *       1024-bit, 4 from 1536 bits. If the window runs out (or past 2^(k)), draw a new start.</li>
 *   <li>q is also rejected (a new q drawn from q's source) when |p − q| ≤ 2^(keyBits/2 − 100), or
 *       when d = e^−1 mod lcm(p−1, q−1) ≤ 2^(keyBits/2) (never in practice).</li>
 *   <li>If p &lt; q they are swapped, so the stored prime is the larger one.</li>
 * </ol>
 */
public final class RsaKeys {
    private RsaKeys() {}

    /** The exponent a TPM uses when the template's exponent is 0 (Part 2 §12.2.3.5). */
    public static final BigInteger DEFAULT_EXPONENT = BigInteger.valueOf(65537);

    /** Odd primes below 2^15, for the sieve. */
    private static final int[] SIEVE_PRIMES = oddPrimesBelow(1 << 15);
    /** Products of runs of sieve primes that fit in 62 bits, so one BigInteger division serves several primes. */
    private static final long[] PRODUCTS;
    private static final int[][] GROUPS;
    /** Odd candidates examined per sieve window. */
    private static final int WINDOW = 4096;

    static {
        java.util.List<long[]> groups = new java.util.ArrayList<>();
        java.util.List<Long> products = new java.util.ArrayList<>();
        int i = 0;
        while (i < SIEVE_PRIMES.length) {
            long prod = 1;
            java.util.List<Long> g = new java.util.ArrayList<>();
            while (i < SIEVE_PRIMES.length && 64 - Long.numberOfLeadingZeros(prod) + 15 <= 62) {
                prod *= SIEVE_PRIMES[i];
                g.add((long) SIEVE_PRIMES[i]);
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
     * Generates a key pair from one source (an ordinary key: TPM2_Create's random numbers): two
     * 32-octet seeds drawn from {@code random} start two SHA-256 {@link KdfDrbg} streams (labels
     * "RSA P" and "RSA Q"), and p and q are searched in parallel as {@link #generate(RandomBits,
     * RandomBits, int, long)} does. The same source octets give the same key.
     *
     * @param random where the two stream seeds come from
     * @param keyBits the modulus size: a multiple of 16, at least 512
     * @param exponent the public exponent from the template; 0 means 65537
     */
    public static RsaKey generate(RandomBits random, int keyBits, long exponent) {
        checkedExponent(keyBits, exponent);
        byte[] pSeed = random.next(32), qSeed = random.next(32);
        try {
            return generate(new KdfDrbg(TpmAlg.SHA256, Secret.of(pSeed), "RSA P", new byte[0]),
                    new KdfDrbg(TpmAlg.SHA256, Secret.of(qSeed), "RSA Q", new byte[0]), keyBits, exponent);
        } finally {
            java.util.Arrays.fill(pSeed, (byte) 0);
            java.util.Arrays.fill(qSeed, (byte) 0);
        }
    }

    /**
     * Generates a key pair with p from {@code pSource} and q from {@code qSource}, searched at the
     * same time (q on a virtual thread, see {@link Parallel}, p on the calling thread): the prime search is
     * nearly all of the cost, and the two searches share nothing, so the result is the same octets
     * however the two interleave. A redrawn q (see the class comment) comes from {@code qSource} too.
     * The sources must be independent streams, e.g. two {@link KdfDrbg}s with different labels.
     */
    public static RsaKey generate(RandomBits pSource, RandomBits qSource, int keyBits, long exponent) {
        BigInteger e = checkedExponent(keyBits, exponent);
        int half = keyBits / 2;
        CompletableFuture<BigInteger> q = CompletableFuture.supplyAsync(() -> prime(qSource, half, e), Parallel.EXECUTOR);
        BigInteger p = prime(pSource, half, e);
        return finish(p, q.join(), qSource, half, e);
    }

    private static BigInteger checkedExponent(int keyBits, long exponent) {
        if (keyBits < 512 || keyBits % 16 != 0) throw new IllegalArgumentException("unsupported RSA key size " + keyBits);
        BigInteger e = exponent == 0 ? DEFAULT_EXPONENT : BigInteger.valueOf(exponent);
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) throw new IllegalArgumentException("bad exponent " + exponent);
        return e;
    }

    /** The key of p and q, drawing a new q from {@code qSource} while the pair is unfit. */
    private static RsaKey finish(BigInteger p, BigInteger q, RandomBits qSource, int half, BigInteger e) {
        BigInteger minDistance = BigInteger.ONE.shiftLeft(half - 100);
        while (true) {
            BigInteger d = null;
            if (p.subtract(q).abs().compareTo(minDistance) > 0) d = privateExponent(e, p, q);
            if (d != null && d.bitLength() > half) {
                BigInteger big = p.max(q), small = p.min(q);
                return new RsaKey(p.multiply(q), e, big, small, d);
            }
            q = prime(qSource, half, e);
        }
    }

    /** d = e^−1 mod lcm(p−1, q−1). */
    static BigInteger privateExponent(BigInteger e, BigInteger p, BigInteger q) {
        BigInteger p1 = p.subtract(BigInteger.ONE), q1 = q.subtract(BigInteger.ONE);
        BigInteger lcm = p1.divide(p1.gcd(q1)).multiply(q1);
        return e.modInverse(lcm);
    }

    /** The first prime of the search from {@code random}'s next octets (package-private for tests). */
    static BigInteger prime(RandomBits random, int bits, BigInteger e) {
        int bytes = bits / 8;
        int rounds = bits >= 1536 ? 4 : bits >= 1024 ? 5 : 7;
        while (true) {
            BigInteger start = new BigInteger(1, random.next(bytes)).setBit(bits - 1).setBit(bits - 2).setBit(0);
            boolean[] composite = sieve(start);
            for (int i = 0; i < WINDOW; i++) {
                if (composite[i]) continue;
                BigInteger c = start.add(BigInteger.valueOf(2L * i));
                if (c.bitLength() != bits) break; // ran past 2^bits: draw a new start
                if (!c.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE)) continue;
                if (millerRabin(c, rounds, random, bytes)) return c;
            }
        }
    }

    /** Marks the offsets i for which start + 2i has a factor below 2^15. */
    private static boolean[] sieve(BigInteger start) {
        boolean[] composite = new boolean[WINDOW];
        for (int k = 0; k < PRODUCTS.length; k++) {
            long r = start.mod(BigInteger.valueOf(PRODUCTS[k])).longValue();
            for (int p : GROUPS[k]) {
                int rp = (int) (r % p);
                // start + 2i ≡ 0 (mod p)  ⇔  i ≡ −rp · 2^−1 (mod p), and 2^−1 = (p + 1) / 2
                long i0 = (long) ((p - rp) % p) * ((p + 1) / 2) % p;
                for (long i = i0; i < WINDOW; i += p) composite[(int) i] = true;
            }
        }
        return composite;
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

    private static int[] oddPrimesBelow(int limit) {
        boolean[] composite = new boolean[limit];
        java.util.List<Integer> r = new java.util.ArrayList<>();
        for (int i = 3; i < limit; i += 2) {
            if (composite[i]) continue;
            r.add(i);
            for (long j = (long) i * i; j < limit; j += 2L * i) composite[(int) j] = true;
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }
}
