package dev.jtpm.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Objects;

/**
 * An RSA key: the public modulus and exponent, and for a private key the primes and private
 * exponent. The TPM's sensitive area keeps only the prime p (TPM2B_PRIVATE_KEY_RSA, Part 2 §11.2.4.7);
 * {@link #fromPrime} rebuilds the rest. {@code toString} never shows private values.
 *
 * <p>An immutable value (equal when n, e, p, q and d are); a class rather than a record only so that
 * it can keep the JCA key objects it converts to, which saves their construction (the CRT values)
 * on every signature with a loaded key.
 */
public final class RsaKey {
    private final BigInteger n, e, p, q, d;
    private volatile RSAPublicKey publicKey;
    private volatile RSAPrivateCrtKey privateKey;
    private volatile RsaPrivateOperation privateOperation;

    /**
     * @param n the modulus
     * @param e the public exponent (65537 when the template says 0)
     * @param p the first prime, or null for a public key
     * @param q the second prime, or null
     * @param d the private exponent, or null
     */
    public RsaKey(BigInteger n, BigInteger e, BigInteger p, BigInteger q, BigInteger d) {
        this.n = Objects.requireNonNull(n, "n");
        this.e = Objects.requireNonNull(e, "e");
        if ((p == null) != (q == null) || (p == null) != (d == null)) {
            throw new IllegalArgumentException("p, q and d go together");
        }
        this.p = p;
        this.q = q;
        this.d = d;
    }

    /** The modulus. */
    public BigInteger n() { return n; }

    /** The public exponent. */
    public BigInteger e() { return e; }

    /** The first prime (the larger one for generated keys), or null. */
    public BigInteger p() { return p; }

    /** The second prime, or null. */
    public BigInteger q() { return q; }

    /** The private exponent, or null. */
    public BigInteger d() { return d; }

    /** A public key. */
    public static RsaKey ofPublic(BigInteger n, BigInteger e) { return new RsaKey(n, e, null, null, null); }

    /**
     * The full private key from the public modulus, exponent and one prime, as a TPM loads it from its
     * sensitive area. {@link IllegalArgumentException} when {@code p} does not divide {@code n}.
     */
    public static RsaKey fromPrime(BigInteger n, BigInteger e, BigInteger p) {
        if (p.signum() <= 0 || p.equals(BigInteger.ONE) || p.compareTo(n) >= 0) throw new IllegalArgumentException("bad prime");
        BigInteger[] qr = n.divideAndRemainder(p);
        if (qr[1].signum() != 0) throw new IllegalArgumentException("prime does not divide the modulus");
        BigInteger q = qr[0];
        return new RsaKey(n, e, p, q, RsaKeys.privateExponent(e, p, q));
    }

    /** True if the private parts are present. */
    public boolean hasPrivate() { return p != null; }

    /** The modulus size in bits. */
    public int bits() { return n.bitLength(); }

    /** The modulus size in octets (the size of signatures and ciphertexts). */
    public int modulusBytes() { return (n.bitLength() + 7) / 8; }

    /** The JCA public key. */
    public RSAPublicKey toPublicKey() {
        RSAPublicKey k = publicKey;
        if (k == null) publicKey = k = makePublic();
        return k;
    }

    /** The JCA private key with CRT values (fast decryption and signing). */
    public RSAPrivateCrtKey toPrivateKey() {
        if (!hasPrivate()) throw new IllegalStateException("public key only");
        RSAPrivateCrtKey k = privateKey;
        if (k == null) privateKey = k = makePrivate();
        return k;
    }

    /**
     * The private-key primitive s = c^d mod n (RSADP / RSASP1) for 0 ≤ c &lt; n: blinded, with the two CRT
     * halves in parallel and the result checked ({@link RsaPrivateOperation}).
     */
    public BigInteger privateOperation(BigInteger c) {
        if (!hasPrivate()) throw new IllegalStateException("public key only");
        RsaPrivateOperation op = privateOperation;
        if (op == null) privateOperation = op = new RsaPrivateOperation(this);
        return op.apply(c);
    }

    private RSAPublicKey makePublic() {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private RSAPrivateCrtKey makePrivate() {
        BigInteger dp = d.mod(p.subtract(BigInteger.ONE));
        BigInteger dq = d.mod(q.subtract(BigInteger.ONE));
        BigInteger qInv = q.modInverse(p);
        try {
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qInv));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RsaKey k && n.equals(k.n) && e.equals(k.e) && Objects.equals(p, k.p)
                && Objects.equals(q, k.q) && Objects.equals(d, k.d);
    }

    @Override
    public int hashCode() { return n.hashCode(); }

    @Override
    public String toString() {
        return "RsaKey[" + bits() + " bits, e=" + e + (hasPrivate() ? ", private redacted]" : ", public]");
    }
}
