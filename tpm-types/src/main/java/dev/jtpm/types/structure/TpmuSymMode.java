package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectorValue;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMU_SYM_MODE (Part 2, 11.1.4): the block cipher mode, selected by the symmetric algorithm.
 * Every block cipher's mode is a TPMI_ALG_SYM_MODE+ (TPM_RC_MODE for a mode the TPM does not
 * implement); XOR and TPM_ALG_NULL have none.
 */
public sealed interface TpmuSymMode permits TpmuSymMode.Block, TpmuSymMode.Xor, TpmsEmpty {

    /**
     * aes, sm4, camellia, tdes: a TPMI_ALG_SYM_MODE+.
     *
     * @param algorithm the block cipher (the selector; not written again)
     * @param mode the mode, or TPM_ALG_NULL
     */
    @Arm({TpmAlg.TDES, TpmAlg.AES, TpmAlg.SM4, TpmAlg.CAMELLIA})
    record Block(@SelectorValue int algorithm, @U16 @Is(Tpmi.ALG_SYM_MODE_OR_NULL) int mode) implements TpmuSymMode {}

    /** xor: no mode (no octets). */
    @Arm(TpmAlg.XOR)
    record Xor() implements TpmuSymMode {}
}
