package dev.jtpm.engine.command.ephemeral;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.structure.TpmsEccPoint;

import java.math.BigInteger;

import org.bouncycastle.math.ec.ECPoint;

/** Conversions shared by TPM2_Commit and TPM2_EC_Ephemeral (Part 3, 19) and TPM2_ZGen_2Phase. */
public final class EphemeralSupport {
    private EphemeralSupport() {}

    /**
     * A TPM2B_ECC_POINT's coordinates as a point of {@code curve}; null when not on the curve. Coordinates are
     * numbers: leading zero octets beyond the field size are accepted, as libtpms accepts them.
     */
    public static ECPoint toPoint(EccCurve curve, TpmsEccPoint p) {
        BigInteger x = new BigInteger(1, p.x().unsafeArray()), y = new BigInteger(1, p.y().unsafeArray());
        return curve.isOnCurve(x, y) ? curve.point(x, y) : null;
    }

    /** {@code p} with coordinates fixed to the field size (ms-tpm BnPointTo2B); the empty point for null. */
    public static TpmsEccPoint toTpms(EccCurve curve, ECPoint p) {
        if (p == null) return TpmsEccPoint.EMPTY;
        ECPoint n = p.normalize();
        return new TpmsEccPoint(Bytes.wrap(fixed(n.getAffineXCoord().toBigInteger(), curve.fieldBytes())),
                Bytes.wrap(fixed(n.getAffineYCoord().toBigInteger(), curve.fieldBytes())));
    }

    private static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        byte[] r = new byte[len];
        int copy = Math.min(b.length, len);
        System.arraycopy(b, b.length - copy, r, len - copy, copy);
        return r;
    }
}
