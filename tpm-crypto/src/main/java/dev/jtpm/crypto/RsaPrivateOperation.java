package dev.jtpm.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The RSA private-key primitive RSADP/RSASP1 (RFC 8017 §5.1.2 and §5.2.1) of one key, with the two
 * CRT exponentiations run at the same time: m1 = c^dP mod p on a virtual thread ({@link Parallel}, or on the
 * calling thread when that thread is done with its half before the virtual thread has started)
 * and m2 = c^dQ mod q on the calling thread. They are nearly all of the cost of a signature and share
 * nothing, so a signature takes about half the time of the JDK's sequential CRT when a second core is
 * free (and no longer when none is).
 *
 * <p>Protections, as the JDK's own RSA core has them:
 * <ul>
 *   <li><b>Blinding</b>: the input is multiplied by r^e and the result by r^−1 (mod n) for a random r
 *       unknown to the caller, so the exponentiations never see the caller's value. The pair
 *       (r^e, r^−1) is made once per key and squared after every use (both stay a matching pair).</li>
 *   <li><b>Fault check</b>: the result is verified with the public exponent (s^e mod n = c, checked modulo p and q) before it is
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
        Half m1 = new Half(() -> blinded.modPow(dP, p));
        Parallel.EXECUTOR.execute(m1::runIfUnclaimed);
        BigInteger m2 = blinded.modPow(dQ, q);
        BigInteger h = qInv.multiply(m1.await().subtract(m2)).mod(p);
        BigInteger s = m2.add(h.multiply(q)).multiply(pair[1]).mod(n);
        if (!verifies(s, c)) throw new IllegalStateException("RSA private operation failed its check");
        return s;
    }

    /**
     * s^e ≡ c (mod n), checked as s^e ≡ c modulo p and modulo q (the same condition by the CRT, as n = p·q): two
     * exponentiations with 1024-bit numbers cost about half of one with 2048-bit numbers. Each side reduces the
     * final s, so a fault in either half, in the recombination or in the unblinding is caught.
     */
    private boolean verifies(BigInteger s, BigInteger c) {
        return s.mod(p).modPow(e, p).equals(c.mod(p)) && s.mod(q).modPow(e, q).equals(c.mod(q));
    }

    /**
     * The half computed on another thread, if one takes it up in time: whoever claims it first computes it. The
     * caller, done with its own half, claims it when no thread has started on it yet (no CPU was free: waiting
     * would only add that wait), and otherwise polls for the result for a short while, yielding, before it blocks
     * (being woken from another CPU costs more than the poll on a virtual machine; see tpm-server's ReadSpin).
     */
    private static final class Half {
        private static final long POLL_NANOS = 300_000;
        private final java.util.function.Supplier<BigInteger> work;
        private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        private final CompletableFuture<BigInteger> result = new CompletableFuture<>();

        Half(java.util.function.Supplier<BigInteger> work) { this.work = work; }

        void runIfUnclaimed() {
            if (!claimed.compareAndSet(false, true)) return;
            try {
                result.complete(work.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        BigInteger await() {
            runIfUnclaimed();
            long start = System.nanoTime();
            while (!result.isDone() && System.nanoTime() - start < POLL_NANOS) Thread.yield();
            return result.join();
        }
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
