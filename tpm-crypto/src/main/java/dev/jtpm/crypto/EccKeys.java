package dev.jtpm.crypto;

import java.math.BigInteger;

/**
 * ECC key generation from a {@link RandomBits} source: deterministic with a {@link KdfDrbg}
 * (primary keys, Part 1 §26.2), random with a SecureRandom (TPM2_Create, ephemeral keys).
 *
 * <p>The scalar is chosen by "testing candidates" (FIPS 186-5 A.2.2, as ms-tpm-20-ref's
 * CryptEccGenerateKey retries): c = the next orderBytes octets with the bits above n's bit length
 * cleared; if c &gt; n − 2 draw again; d = c + 1, so 1 ≤ d &lt; n. Q = d·G.
 */
public final class EccKeys {
    private EccKeys() {}

    /** A key pair on {@code curve}. */
    public static EccKey generate(RandomBits random, EccCurve curve) {
        return EccKey.ofPrivate(curve, scalar(random, curve));
    }

    /** A scalar in [1, n−1] (also the nonce k of signatures). */
    static BigInteger scalar(RandomBits random, EccCurve curve) {
        BigInteger n = curve.order();
        BigInteger nMinus2 = n.subtract(BigInteger.TWO);
        int bits = n.bitLength();
        int bytes = (bits + 7) / 8;
        while (true) {
            byte[] b = random.next(bytes);
            if (bits % 8 != 0) b[0] &= (byte) ((1 << (bits % 8)) - 1);
            BigInteger c = new BigInteger(1, b);
            if (c.compareTo(nMinus2) <= 0) return c.add(BigInteger.ONE);
        }
    }
}
