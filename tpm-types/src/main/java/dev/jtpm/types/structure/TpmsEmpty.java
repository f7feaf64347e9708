package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.Arm;

/**
 * TPMS_EMPTY (Part 2, 10.1): a structure with no members, the TPM_ALG_NULL arm of every union
 * that has one (no octets on the wire).
 */
@Arm(TpmAlg.NULL)
public record TpmsEmpty() implements TpmuSymKeyBits, TpmuSymMode, TpmuSchemeKeyedhash, TpmuAsymScheme, TpmuKdfScheme,
        TpmuSignature, TpmuSigScheme {
    /** The one value. */
    public static final TpmsEmpty INSTANCE = new TpmsEmpty();
}
