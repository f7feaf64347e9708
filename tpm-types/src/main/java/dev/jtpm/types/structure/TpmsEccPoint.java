package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_ECC_POINT (Part 2, 11.2.5.2): a point on an ECC curve, each coordinate a
 * TPM2B_ECC_PARAMETER. Also the {@code ecc} arm of TPMU_PUBLIC_ID; TPM2B_ECC_POINT is a
 * {@code @Sized TpmsEccPoint} component.
 *
 * @param x the x coordinate (big-endian, at most MAX_ECC_KEY_BYTES)
 * @param y the y coordinate
 */
@Arm(TpmAlg.ECC)
public record TpmsEccPoint(@Max(Limits.MAX_ECC_KEY_BYTES) Bytes x, @Max(Limits.MAX_ECC_KEY_BYTES) Bytes y)
        implements TpmuPublicId {
    /** The empty point (both coordinates empty), as TPM2_Commit takes it for "no P1". */
    public static final TpmsEccPoint EMPTY = new TpmsEccPoint(Bytes.EMPTY, Bytes.EMPTY);

    /** The point with both coordinates {@code n} zero octets: the unique field of the ECC EK templates. */
    public static TpmsEccPoint zeros(int n) { return new TpmsEccPoint(Bytes.zeros(n), Bytes.zeros(n)); }
}
