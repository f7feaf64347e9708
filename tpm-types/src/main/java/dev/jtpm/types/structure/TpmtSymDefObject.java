package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectedBy;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_SYM_DEF_OBJECT (Part 2, 11.1.7): the symmetric algorithm of an object, its key size and
 * mode. The algorithm is a TPMI_ALG_SYM_OBJECT+ (TPM_RC_SYMMETRIC when not implemented; XOR is
 * never allowed); where Part 2 has no "+" (TPMS_SYMCIPHER_PARMS) the containing record rejects
 * TPM_ALG_NULL.
 *
 * @param algorithm the block cipher, or TPM_ALG_NULL
 * @param keyBits the arm of {@code algorithm}
 * @param mode the arm of {@code algorithm}
 */
public record TpmtSymDefObject(@U16 @Is(Tpmi.ALG_SYM_OBJECT_OR_NULL) int algorithm,
                               @SelectedBy("algorithm") TpmuSymKeyBits keyBits,
                               @SelectedBy("algorithm") TpmuSymMode mode) {
    /** No symmetric algorithm. */
    public static final TpmtSymDefObject NULL = new TpmtSymDefObject(TpmAlg.NULL, TpmsEmpty.INSTANCE, TpmsEmpty.INSTANCE);

    public TpmtSymDefObject {
        if (algorithm == TpmAlg.XOR) throw new dev.jtpm.types.TpmFailure(TpmRc.SYMMETRIC);
        UnionArms.check(algorithm, keyBits, TpmRc.SYMMETRIC);
        UnionArms.check(algorithm, mode, TpmRc.SYMMETRIC);
    }

    /** AES with the given key size and mode (e.g. 128, TPM_ALG_CFB). */
    public static TpmtSymDefObject aes(int keyBits, int mode) {
        return new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Aes(keyBits), new TpmuSymMode.Block(TpmAlg.AES, mode));
    }
}
