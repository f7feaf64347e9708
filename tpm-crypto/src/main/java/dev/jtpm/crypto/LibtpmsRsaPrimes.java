package dev.jtpm.crypto;

import java.math.BigInteger;

/**
 * RSA key generation from a {@link LibtpmsDrbg} exactly as libtpms 0.9 generates a primary RSA key
 * (CryptRsaGenerateKey with a DRBG, BnGeneratePrimeForRSA, RsaAdjustPrimeCandidate, PrimeSelectWithSieve,
 * MillerRabin), so that a primary seed taken over from libtpms gives the same modulus. Every call on the
 * DRBG is one libtpms DRBG_Generate of the same size, in the same order.
 *
 * <p>One prime of {@code bits} bits:
 * <ol>
 *   <li>a candidate: SEED_COMPAT_LEVEL_RSA_PRIME_ADJUST_FIX (1) draws bits/8 octets, big-endian, and replaces
 *       the top 32 bits by (top·0x4AFB)/2^16 + 0xB5050000 (so the candidate is at least √2/2 · 2^bits);
 *       SEED_COMPAT_LEVEL_ORIGINAL (0) draws bits/8 octets read little-endian (libtpms copied them into its
 *       64-bit words) and keeps only the low 16 bits of the top word under a top 16 bits of
 *       (top16·0x4AFB)/2^16 + 0xB505; both set bit 0;</li>
 *   <li>a sieve over 16,384 odd numbers from base = the candidate lowered to an odd multiple of 105: the
 *       multiples of 3, 5, 7 and of the odd primes up to a limit (8,167 for primes ≤ 512 bits, 38,891 for
 *       ≤ 1,024 bits, 65,535 above) are struck out, the remainders taken in libtpms' groups;</li>
 *   <li>while marks remain: the ((first mod ones) + 1)-th remaining mark, where first is the candidate's low
 *       32 bits with bit 31 set and ones the number of marks left; its number base + 2·index is taken if
 *       it is not 0 or 1 mod e and passes Miller-Rabin (5 rounds below 1,536 bits, 4 from there, 8 below
 *       511; each base drawn as bits/8 octets until 1 &lt; b &lt; w − 1); otherwise its mark is struck;</li>
 *   <li>a field without a prime starts again with a new candidate.</li>
 * </ol>
 * The key: the first prime is q, the following ones p until |p − q| has more than 100 bits; n = p·q. A
 * signing key then draws the trial value of libtpms' encrypt/decrypt check (bitLength(n) bits until in
 * [1, n)) so that the DRBG ends where libtpms' does.
 */
public final class LibtpmsRsaPrimes {
    private LibtpmsRsaPrimes() {}

    /** SEED_COMPAT_LEVEL_ORIGINAL: libtpms before the RSA prime adjustment fix. */
    public static final int ORIGINAL = 0;
    /** SEED_COMPAT_LEVEL_RSA_PRIME_ADJUST_FIX (SEED_COMPAT_LEVEL_LAST of libtpms 0.9). */
    public static final int PRIME_ADJUST_FIX = 1;

    private static final int FIELD_BITS = 2048 * 8;
    /** s_PrimeTable: bit i stands for 2i + 1, for the 4,097 octets of the table. */
    private static final boolean[] ODD_PRIME = oddPrimeTable(4097 * 8);
    private static final int[] MARKERS = {8167, 17881, 28183, 38891, 49871, 60961};
    private static final int PRIMES_IN_TABLE = 6542;
    private static final int[][] SIEVE_MARKS = {{31, 7}, {73, 5}, {241, 4}, {1621, 3}, {0xFFFF, 2}};

    /** The key pair of a primary RSA template (keyBits a multiple of 1024). */
    public static RsaKey generate(LibtpmsDrbg drbg, int keyBits, long exponent, boolean sign) {
        if (keyBits % 1024 != 0 || keyBits == 0) throw new IllegalArgumentException("unsupported RSA key size " + keyBits);
        BigInteger e = BigInteger.valueOf(exponent == 0 ? 65537 : exponent);
        int half = keyBits / 2;
        BigInteger q = null;
        for (int i = 1; i != 100; i++) {
            BigInteger p = prime(drbg, half, e.longValueExact());
            if (q == null) {
                q = p;
                continue;
            }
            if (p.subtract(q).abs().bitLength() - 1 < 100) continue;
            BigInteger n = p.multiply(q);
            BigInteger d = RsaKeys.privateExponent(e, p, q);
            if (sign) {
                BigInteger t;
                do {
                    t = randomBits(drbg, n.bitLength());
                } while (t.signum() == 0 || t.compareTo(n) >= 0);
            }
            return new RsaKey(n, e, p, q, d);
        }
        throw new IllegalStateException("no RSA key after 100 primes");
    }

    /** BnGeneratePrimeForRSA. */
    static BigInteger prime(LibtpmsDrbg drbg, int bits, long e) {
        while (true) {
            BigInteger candidate;
            if (drbg.seedCompatLevel() == ORIGINAL) {
                byte[] raw = drbg.next(bits / 8);
                byte[] be = new byte[raw.length];
                for (int i = 0; i < raw.length; i++) be[i] = raw[raw.length - 1 - i];
                candidate = adjustOriginal(new BigInteger(1, be), bits);
            } else {
                candidate = adjust(randomBits(drbg, bits), bits);
            }
            BigInteger p = selectWithSieve(candidate, bits, e, drbg);
            if (p != null) return p;
        }
    }

    /** RsaAdjustPrimeCandidate_New: the top 32 bits scaled into [0xB5050000, 0xFFFFFFFF], the number odd. */
    static BigInteger adjust(BigInteger c, int bits) {
        long msw = c.shiftRight(bits - 32).longValue() & 0xFFFFFFFFL;
        long adjusted = ((msw >>> 16) * 0x4AFB + (((msw & 0xFFFF) * 0x4AFB) >>> 16) + 0xB5050000L) & 0xFFFFFFFFL;
        BigInteger low = c.and(BigInteger.ONE.shiftLeft(bits - 32).subtract(BigInteger.ONE));
        return BigInteger.valueOf(adjusted).shiftLeft(bits - 32).or(low).setBit(0);
    }

    /** RsaAdjustPrimeCandidate_PreRev155 on 64-bit words: the top word becomes high16 << 48 | (word & 0xFFFF). */
    static BigInteger adjustOriginal(BigInteger c, int bits) {
        long top = c.shiftRight(bits - 64).longValue();
        int high = (int) (top >>> 48);
        high = ((high * 0x4AFB) >>> 16) & 0xFFFF;
        high = (high + 0xB505) & 0xFFFF;
        long newTop = ((long) high << 48) | (top & 0xFFFF);
        BigInteger low = c.and(BigInteger.ONE.shiftLeft(bits - 64).subtract(BigInteger.ONE));
        return new BigInteger(1, Octets.u64(newTop)).shiftLeft(bits - 64).or(low).setBit(0);
    }

    /** PrimeSelectWithSieve: the prime chosen from the sieved field of {@code candidate}, or null. */
    static BigInteger selectWithSieve(BigInteger candidate, int bits, long e, LibtpmsDrbg drbg) {
        int primeLimit = primeLimit(bits <= 512 ? 1024 : bits <= 1024 ? 4096 : 0);
        long first = (candidate.longValue() & 0xFFFFFFFFL) | 0x80000000L;
        long adjust = candidate.mod(BigInteger.valueOf(105)).longValue();
        if ((adjust & 1) != 0) adjust += 105;
        BigInteger base = candidate.subtract(BigInteger.valueOf(adjust));
        boolean[] field = sieve(base, primeLimit);
        int ones = 0;
        for (boolean b : field) if (b) ones++;
        BigInteger bigE = BigInteger.valueOf(e);
        for (; ones > 0; ones--) {
            int chosen = nthSet(field, (int) (first % ones) + 1);
            BigInteger test = base.add(BigInteger.valueOf(2L * chosen));
            long modE = test.mod(bigE).longValue();
            if (modE != 0 && modE != 1 && millerRabin(test, drbg)) return test;
            field[chosen] = false;
        }
        return null;
    }

    /** RsaAdjustPrimeLimit: the largest table index the sieve uses. */
    private static int primeLimit(int requested) {
        if (requested == 0 || requested > PRIMES_IN_TABLE) requested = PRIMES_IN_TABLE;
        int idx = (requested - 1) / 1024;
        int limit = idx < MARKERS.length ? MARKERS[idx] : 65537 - 2;
        return limit >>> 1;
    }

    /** RsaNextPrime: the next odd prime after {@code last} up to the limit, or 0. */
    private static int nextPrime(int last, int primeLimit) {
        if (last == 0) return 0;
        for (int i = (last >>> 1) + 1; i <= primeLimit; i++) if (ODD_PRIME[i]) return 2 * i + 1;
        return 0;
    }

    /** PrimeSieve: marks the odd numbers base + 2j (base an odd multiple of 105) without a small factor. */
    static boolean[] sieve(BigInteger base, int primeLimit) {
        boolean[] field = new boolean[FIELD_BITS];
        for (int j = 0; j < FIELD_BITS; j++) field[j] = j % 3 != 0 && j % 5 != 0 && j % 7 != 0;
        int iter = 7, mark = 0, count = SIEVE_MARKS[0][1], stop = SIEVE_MARKS[0][0];
        int[] list = new int[8];
        while (true) {
            iter = nextPrime(iter, primeLimit);
            if (iter == 0) break;
            long composite = iter;
            int next = 0;
            list[count] = iter;
            for (int i = count - 1; i > 0; i--) {
                iter = nextPrime(iter, primeLimit);
                next = iter;
                list[i] = next;
                if (next != 0) composite = (composite * next) & 0xFFFFFFFFL;
            }
            long rem = base.mod(BigInteger.valueOf(composite)).longValue();
            for (int i = count; i > 0; i--) {
                next = list[i];
                if (next == 0) return field;
                long r = rem % next;
                long j = (r & 1) != 0 ? (next - r) / 2 : r == 0 ? 0 : next - r / 2;
                for (; j < FIELD_BITS; j += next) field[(int) j] = false;
            }
            if (next >= stop) {
                mark++;
                count = SIEVE_MARKS[mark][1];
                stop = SIEVE_MARKS[mark][0];
            }
        }
        return field;
    }

    private static int nthSet(boolean[] field, int n) {
        int seen = 0;
        for (int i = 0; i < field.length; i++) if (field[i] && ++seen == n) return i;
        throw new IllegalStateException("sieve field has fewer than " + n + " marks");
    }

    /** libtpms MillerRabin with bases from the DRBG. */
    static boolean millerRabin(BigInteger w, LibtpmsDrbg drbg) {
        int bits = w.bitLength();
        int rounds = bits < 511 ? 8 : bits < 1536 ? 5 : 4;
        BigInteger w1 = w.subtract(BigInteger.ONE);
        int a = w1.getLowestSetBit();
        BigInteger m = w1.shiftRight(a);
        for (int i = 0; i < rounds; i++) {
            BigInteger b;
            do {
                b = randomBits(drbg, bits);
            } while (b.compareTo(BigInteger.ONE) <= 0 || b.compareTo(w1) >= 0);
            BigInteger z = b.modPow(m, w);
            if (z.equals(BigInteger.ONE) || z.equals(w1)) continue;
            boolean probable = false;
            for (int j = 1; j < a; j++) {
                z = z.multiply(z).mod(w);
                if (z.equals(w1)) { probable = true; break; }
                if (z.equals(BigInteger.ONE)) break;
            }
            if (!probable) return false;
        }
        return true;
    }

    /** BnGetRandomBits: ceil(bits/8) octets, big-endian, masked to {@code bits} bits. */
    static BigInteger randomBits(RandomBits drbg, int bits) {
        BigInteger v = new BigInteger(1, drbg.next((bits + 7) / 8));
        return v.bitLength() > bits ? v.and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)) : v;
    }

    private static boolean[] oddPrimeTable(int entries) {
        int limit = 2 * entries + 1;
        boolean[] composite = new boolean[limit + 1];
        boolean[] t = new boolean[entries];
        for (int n = 3; n <= limit; n += 2) {
            if (composite[n]) continue;
            if ((n - 1) / 2 < entries) t[(n - 1) / 2] = true;
            for (long k = (long) n * n; k <= limit; k += 2L * n) composite[(int) k] = true;
        }
        return t;
    }
}
