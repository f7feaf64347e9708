package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_SYM_DEF (Part 2, 11.1.6): the parameter-encryption algorithm of a session. The algorithm is
 * a TPMI_ALG_SYM+; only implemented ones are accepted (TPM_RC_SYMMETRIC).
 *
 * @param algorithm the cipher, XOR, or TPM_ALG_NULL
 * @param keyBits the arm of {@code algorithm}
 * @param mode the arm of {@code algorithm}
 */
public record TpmtSymDef(@U16 @Is(Tpmi.ALG_SYM_OR_NULL) int algorithm,
                         @SelectedBy("algorithm") TpmuSymKeyBits keyBits,
                         @SelectedBy("algorithm") TpmuSymMode mode) {
    /** No parameter encryption. */
    public static final TpmtSymDef NULL = new TpmtSymDef(TpmAlg.NULL, TpmsEmpty.INSTANCE, TpmsEmpty.INSTANCE);

    public TpmtSymDef {
        UnionArms.check(algorithm, keyBits, TpmRc.SYMMETRIC);
        UnionArms.check(algorithm, mode, TpmRc.SYMMETRIC);
    }
}
