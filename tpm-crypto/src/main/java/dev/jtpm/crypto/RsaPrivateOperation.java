package dev.jtpm.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The RSA private-key primitive RSADP/RSASP1 (RFC 8017 §5.1.2 and §5.2.1) of one key, with the two
 * CRT exponentiations run at the same time: m1 = c^dP mod p on a virtual thread ({@link Parallel})
 * and m2 = c^dQ mod q on the calling thread. They are nearly all of the cost of a signature and share
 * nothing, so a signature takes about half the time of the JDK's sequential CRT when a second core is
 * free (and no longer when none is).
 *
 * <p>Protections, as the JDK's own RSA core has them:
 * <ul>
 *   <li><b>Blinding</b>: the input is multiplied by r^e and the result by r^−1 (mod n) for a random r
 *       unknown to the caller, so the exponentiations never see the caller's value. The pair
 *       (r^e, r^−1) is made once per key and squared after every use (both stay a matching pair).</li>
 *   <li><b>Fault check</b>: the result is verified with the public exponent (s^e mod n = c) before it is
 *       returned; a wrong result (a fault in one CRT half would reveal a prime) is an {@link IllegalStateException}.</li>
 * </ul>
 * One instance per key, kept by {@link RsaKey}; thread-safe.
 */
final class RsaPrivateOperation {
    private final BigInteger n, e, p, q, dP, dQ, qInv;
    private BigInteger blind, unblind; // r^e mod n and r^−1 mod n; guarded by this

    RsaPrivateOperation(RsaKey key) {
        this.n = key.n();
        this.e = key.e();
        this.p = key.p();
        this.q = key.q();
        this.dP = key.d().mod(p.subtract(BigInteger.ONE));
        this.dQ = key.d().mod(q.subtract(BigInteger.ONE));
        this.qInv = q.modInverse(p);
    }

    /** s = c^d mod n for 0 ≤ c &lt; n ({@link IllegalArgumentException} otherwise). */
    BigInteger apply(BigInteger c) {
        if (c.signum() < 0 || c.compareTo(n) >= 0) throw new IllegalArgumentException("input out of range");
        BigInteger[] pair = nextBlindingPair();
        BigInteger blinded = c.multiply(pair[0]).mod(n);
        CompletableFuture<BigInteger> m1 = CompletableFuture.supplyAsync(() -> blinded.modPow(dP, p), Parallel.EXECUTOR);
        BigInteger m2 = blinded.modPow(dQ, q);
        BigInteger h = qInv.multiply(m1.join().subtract(m2)).mod(p);
        BigInteger s = m2.add(h.multiply(q)).multiply(pair[1]).mod(n);
        if (!s.modPow(e, n).equals(c)) throw new IllegalStateException("RSA private operation failed its check");
        return s;
    }

    /** The blinding pair for this use; the stored pair moves on to its square. */
    private synchronized BigInteger[] nextBlindingPair() {
        if (blind == null) {
            SecureRandom random = new SecureRandom();
            BigInteger r;
            do {
                r = new BigInteger(n.bitLength() - 1, random);
            } while (r.signum() == 0 || !r.gcd(n).equals(BigInteger.ONE));
            blind = r.modPow(e, n);
            unblind = r.modInverse(n);
        }
        BigInteger[] pair = {blind, unblind};
        blind = blind.multiply(blind).mod(n);
        unblind = unblind.multiply(unblind).mod(n);
        return pair;
    }
}
