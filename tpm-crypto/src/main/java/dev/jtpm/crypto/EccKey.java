package dev.jtpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECC key: the public point Q = d·G and, for a private key, the scalar d. Coordinates and the
 * scalar are exported as the TPM marshals them (TPMS_ECC_POINT, TPM2B_ECC_PARAMETER): big-endian,
 * left-padded to the curve's size. {@code toString} never shows d.
 *
 * @param curve the curve
 * @param x Q's x-coordinate
 * @param y Q's y-coordinate
 * @param d the private scalar, or null for a public key
 */
public record EccKey(EccCurve curve, BigInteger x, BigInteger y, BigInteger d) {
    public EccKey {
        Objects.requireNonNull(curve, "curve");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
    }

    /** A public key; {@link IllegalArgumentException} if (x, y) is not on the curve. */
    public static EccKey ofPublic(EccCurve curve, BigInteger x, BigInteger y) {
        if (!curve.isOnCurve(x, y)) throw new IllegalArgumentException("point not on curve");
        return new EccKey(curve, x, y, null);
    }

    /** The key of scalar d (1 ≤ d &lt; n), with Q computed; {@link IllegalArgumentException} otherwise. */
    public static EccKey ofPrivate(EccCurve curve, BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(curve.order()) >= 0) throw new IllegalArgumentException("scalar out of range");
        ECPoint q = curve.multiplyG(d);
        return new EccKey(curve, q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger(), d);
    }

    /** True if d is present. */
    public boolean hasPrivate() { return d != null; }

    /** Q as a Bouncy Castle point. */
    public ECPoint point() { return curve.point(x, y); }

    /** x, fixed to the field size. */
    public byte[] xBytes() { return Octets.fixed(x, curve.fieldBytes()); }

    /** y, fixed to the field size. */
    public byte[] yBytes() { return Octets.fixed(y, curve.fieldBytes()); }

    /** d, fixed to the field size (as TPM2B_ECC_PARAMETER in the sensitive area). */
    public byte[] dBytes() {
        if (d == null) throw new IllegalStateException("public key only");
        return Octets.fixed(d, curve.fieldBytes());
    }

    @Override
    public String toString() {
        return "EccKey[" + curve + ", x=" + x.toString(16) + (d != null ? ", private redacted]" : ", public]");
    }
}
