package dev.jtpm.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The ECC schemes a TPM signs and agrees keys with (Part 1 §11.4.7 ECC, and ms-tpm-20-ref's
 * CryptEccSignature/CryptEccMain, which libtpms follows), over Bouncy Castle's point arithmetic
 * because the JDK exposes none and knows only three of the TPM's eight curves.
 *
 * <p>Every signature takes the digest the caller computed; nothing is hashed again except where the
 * scheme itself hashes (EC-Schnorr). r and s are big-endian, fixed to the size of the curve's order,
 * as the TPM marshals them in TPMS_SIGNATURE_ECC. Nonces come from the {@link RandomBits} given.
 * <ul>
 *   <li><b>ECDSA</b> (FIPS 186-5 §6.4): e is the leftmost bits of the digest, as many as n has.</li>
 *   <li><b>EC-Schnorr</b> (ms-tpm-20-ref BnSignEcSchnorr): k random, R = k·G;
 *       r = H(R.x fixed to the size of n in octets || digest), cut to the size of n in octets (the
 *       reference code pads R.x to the order's size, not the field's; the two agree on every TPM curve);
 *       s = k + r·d mod n. Verification recomputes R = s·G − r·Q.</li>
 *   <li><b>SM2</b> (GB/T 32918.2, digest = e already computed as H(Z_A || M) by the caller; the TPM signs
 *       e as given, as ms-tpm-20-ref's BnSignEcSm2 and libtpms do, with no Z_A of its own, on any curve):
 *       r = e + x1 mod n (again if r = 0 or r + k = n), s = (1 + d)^−1 · (k − r·d) mod n.</li>
 *   <li><b>ECDH</b> (SP800-56A one-pass, TPM2_ECDH_ZGen / ECDH_KeyGen): Z = d·Q, both coordinates.</li>
 * </ul>
 * A public point off the key's curve (a TPM loads one unchecked under a TPM_ALG_NULL nameAlg) verifies
 * no signature. ECDAA is {@link Ecdaa}; the two-phase exchanges (ECDH C(2e, 2s), ECMQV) are {@link EccKeyExchange}.
 */
public final class EccSchemes {
    private EccSchemes() {}

    /** An ECC signature: r and s fixed to the size of the order. */
    public record Signature(dev.jtpm.types.Bytes r, dev.jtpm.types.Bytes s) {
        public BigInteger rValue() { return new BigInteger(1, r.unsafeArray()); }
        public BigInteger sValue() { return new BigInteger(1, s.unsafeArray()); }
    }

    /** An ECDH result: the shared point, coordinates fixed to the field size. */
    public record SharedPoint(dev.jtpm.types.Secret x, dev.jtpm.types.Secret y) {}

    // ---- ECDSA ----

    /** ECDSA signature of {@code digest}. */
    public static Signature signEcdsa(EccKey key, byte[] digest, RandomBits random) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        BigInteger e = ecdsaE(digest, n);
        while (true) {
            BigInteger k = EccKeys.scalar(random, c);
            BigInteger r = c.multiplyG(k).getAffineXCoord().toBigInteger().mod(n);
            if (r.signum() == 0) continue;
            BigInteger s = k.modInverse(n).multiply(e.add(r.multiply(key.d()))).mod(n);
            if (s.signum() == 0) continue;
            return signature(c, r, s);
        }
    }

    /** Verifies an ECDSA signature of {@code digest}. */
    public static boolean verifyEcdsa(EccKey key, byte[] digest, Signature sig) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        BigInteger r = sig.rValue(), s = sig.sValue();
        ECPoint q = publicPoint(key);
        if (q == null || !inRange(r, n) || !inRange(s, n)) return false;
        BigInteger w = s.modInverse(n);
        BigInteger u1 = ecdsaE(digest, n).multiply(w).mod(n), u2 = r.multiply(w).mod(n);
        ECPoint p = ECAlgorithms.sumOfTwoMultiplies(c.domain().getG(), u1, q, u2).normalize();
        return !p.isInfinity() && p.getAffineXCoord().toBigInteger().mod(n).equals(r);
    }

    /** The integer of the leftmost bitLength(n) bits of the digest. */
    static BigInteger ecdsaE(byte[] digest, BigInteger n) {
        BigInteger e = new BigInteger(1, digest);
        int excess = digest.length * 8 - n.bitLength();
        return excess > 0 ? e.shiftRight(excess) : e;
    }

    // ---- EC-Schnorr ----

    /** EC-Schnorr signature of {@code digest} with {@code hashAlg} (the scheme's hash). */
    public static Signature signSchnorr(EccKey key, int hashAlg, byte[] digest, RandomBits random) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        while (true) {
            BigInteger k = EccKeys.scalar(random, c);
            ECPoint rPoint = c.multiplyG(k);
            BigInteger r = schnorrChallenge(c, hashAlg, rPoint, digest);
            BigInteger s = k.add(r.multiply(key.d())).mod(n);
            if (s.signum() == 0) continue;
            return signature(c, r, s);
        }
    }

    /** Verifies an EC-Schnorr signature. */
    public static boolean verifySchnorr(EccKey key, int hashAlg, byte[] digest, Signature sig) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        BigInteger r = sig.rValue(), s = sig.sValue();
        ECPoint q = publicPoint(key);
        if (q == null || !inRange(s, n) || r.signum() == 0) return false;
        ECPoint rPoint = ECAlgorithms.sumOfTwoMultiplies(c.domain().getG(), s, q, n.subtract(r.mod(n))).normalize();
        if (rPoint.isInfinity()) return false;
        return schnorrChallenge(c, hashAlg, rPoint, digest).equals(r);
    }

    private static BigInteger schnorrChallenge(EccCurve c, int hashAlg, ECPoint rPoint, byte[] digest) {
        byte[] x = Octets.fixed(rPoint.getAffineXCoord().toBigInteger(), c.orderBytes());
        byte[] h = Hashes.hash(hashAlg, x, digest);
        int max = c.orderBytes();
        if (h.length > max) h = Arrays.copyOf(h, max);
        return new BigInteger(1, h);
    }

    // ---- SM2 ----

    /** SM2 signature of {@code digest} (e = H(Z_A || M), computed by the caller). */
    public static Signature signSm2(EccKey key, byte[] digest, RandomBits random) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        BigInteger e = new BigInteger(1, digest);
        BigInteger dInv = key.d().add(BigInteger.ONE).modInverse(n);
        while (true) {
            BigInteger k = EccKeys.scalar(random, c);
            BigInteger x1 = c.multiplyG(k).getAffineXCoord().toBigInteger();
            BigInteger r = e.add(x1).mod(n);
            if (r.signum() == 0 || r.add(k).equals(n)) continue;
            BigInteger s = dInv.multiply(k.subtract(r.multiply(key.d()))).mod(n);
            if (s.signum() == 0) continue;
            return signature(c, r, s);
        }
    }

    /** Verifies an SM2 signature. */
    public static boolean verifySm2(EccKey key, byte[] digest, Signature sig) {
        EccCurve c = key.curve();
        BigInteger n = c.order();
        BigInteger r = sig.rValue(), s = sig.sValue();
        ECPoint q = publicPoint(key);
        if (q == null || !inRange(r, n) || !inRange(s, n)) return false;
        BigInteger t = r.add(s).mod(n);
        if (t.signum() == 0) return false;
        ECPoint p = ECAlgorithms.sumOfTwoMultiplies(c.domain().getG(), s, q, t).normalize();
        if (p.isInfinity()) return false;
        return new BigInteger(1, digest).add(p.getAffineXCoord().toBigInteger()).mod(n).equals(r);
    }

    // ---- ECDH ----

    /**
     * Z = d·Q (TPM2_ECDH_ZGen). Empty when Q is not on the private key's curve or Z is the point at
     * infinity (the engine answers TPM_RC_ECC_POINT / TPM_RC_NO_RESULT).
     */
    public static Optional<SharedPoint> ecdh(EccKey privateKey, java.math.BigInteger qx, java.math.BigInteger qy) {
        EccCurve c = privateKey.curve();
        if (!c.isOnCurve(qx, qy)) return Optional.empty();
        ECPoint z = c.point(qx, qy).multiply(privateKey.d()).normalize();
        if (z.isInfinity()) return Optional.empty();
        return Optional.of(new SharedPoint(
                dev.jtpm.types.Secret.of(Octets.fixed(z.getAffineXCoord().toBigInteger(), c.fieldBytes())),
                dev.jtpm.types.Secret.of(Octets.fixed(z.getAffineYCoord().toBigInteger(), c.fieldBytes()))));
    }

    // ---- helpers ----

    private static Signature signature(EccCurve c, BigInteger r, BigInteger s) {
        int len = c.orderBytes();
        return new Signature(dev.jtpm.types.Bytes.wrap(Octets.fixed(r, len)), dev.jtpm.types.Bytes.wrap(Octets.fixed(s, len)));
    }

    /**
     * Q, or null when it is not on the key's curve: a TPM loads such a point with a TPM_ALG_NULL nameAlg
     * unchecked (ms-tpm CryptValidateKeys), and a signature never verifies against it.
     */
    private static ECPoint publicPoint(EccKey key) {
        return key.curve().isOnCurve(key.x(), key.y()) ? key.point() : null;
    }

    private static boolean inRange(BigInteger v, BigInteger n) { return v.signum() > 0 && v.compareTo(n) < 0; }

}
