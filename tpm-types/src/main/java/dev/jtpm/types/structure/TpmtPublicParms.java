package dev.jtpm.types.structure;

import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_PUBLIC_PARMS (Part 2, 12.2.3.8): an object type and its parameters, as TPM2_TestParms
 * takes them. The type is a TPMI_ALG_PUBLIC: TPM_RC_TYPE when the TPM does not implement it.
 *
 * @param type TPM_ALG_RSA, _KEYEDHASH, _ECC or _SYMCIPHER
 * @param parameters the arm of {@code type}
 */
public record TpmtPublicParms(@U16 @Is(Tpmi.ALG_PUBLIC) int type, @SelectedBy("type") TpmuPublicParms parameters) {
    public TpmtPublicParms {
        UnionArms.check(type, parameters, TpmRc.TYPE);
    }

    /** The parameters with the type their arm stands for. */
    public static TpmtPublicParms of(TpmuPublicParms parameters) {
        return new TpmtPublicParms(UnionArms.selectorOf(parameters), parameters);
    }
}
