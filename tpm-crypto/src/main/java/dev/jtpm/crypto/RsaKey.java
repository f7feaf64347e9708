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
 * @param n the modulus
 * @param e the public exponent (65537 when the template says 0)
 * @param p the first prime, or null for a public key
 * @param q the second prime, or null
 * @param d the private exponent, or null
 */
public record RsaKey(BigInteger n, BigInteger e, BigInteger p, BigInteger q, BigInteger d) {
    public RsaKey {
        Objects.requireNonNull(n, "n");
        Objects.requireNonNull(e, "e");
        if ((p == null) != (q == null) || (p == null) != (d == null)) {
            throw new IllegalArgumentException("p, q and d go together");
        }
    }

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
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The JCA private key with CRT values (fast decryption and signing). */
    public RSAPrivateCrtKey toPrivateKey() {
        if (!hasPrivate()) throw new IllegalStateException("public key only");
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
    public String toString() {
        return "RsaKey[" + bits() + " bits, e=" + e + (hasPrivate() ? ", private redacted]" : ", public]");
    }
}
