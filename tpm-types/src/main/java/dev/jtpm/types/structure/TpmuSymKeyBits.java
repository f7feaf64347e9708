package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMU_SYM_KEY_BITS (Part 2, 11.1.3): the key size of a symmetric algorithm, selected by it. Each
 * cipher's size is its own TPMI_*_KEY_BITS type (TPM_RC_VALUE for a size the TPM does not
 * implement); XOR carries a hash instead; TPM_ALG_NULL is {@link TpmsEmpty}.
 */
public sealed interface TpmuSymKeyBits permits TpmuSymKeyBits.Aes, TpmuSymKeyBits.Sm4, TpmuSymKeyBits.Camellia,
        TpmuSymKeyBits.Tdes, TpmuSymKeyBits.Xor, TpmsEmpty {

    /** aes: TPMI_AES_KEY_BITS. */
    @Arm(TpmAlg.AES)
    record Aes(@U16 @Is(Tpmi.AES_KEY_BITS) int keyBits) implements TpmuSymKeyBits {}

    /** sm4: TPMI_SM4_KEY_BITS. */
    @Arm(TpmAlg.SM4)
    record Sm4(@U16 @Is(Tpmi.SM4_KEY_BITS) int keyBits) implements TpmuSymKeyBits {}

    /** camellia: TPMI_CAMELLIA_KEY_BITS. */
    @Arm(TpmAlg.CAMELLIA)
    record Camellia(@U16 @Is(Tpmi.CAMELLIA_KEY_BITS) int keyBits) implements TpmuSymKeyBits {}

    /** tdes: TPMI_TDES_KEY_BITS. */
    @Arm(TpmAlg.TDES)
    record Tdes(@U16 @Is(Tpmi.TDES_KEY_BITS) int keyBits) implements TpmuSymKeyBits {}

    /** xor: the hash of the XOR obfuscation (TPMI_ALG_HASH); never in a TPMT_SYM_DEF_OBJECT. */
    @Arm(TpmAlg.XOR)
    record Xor(@U16 @Is(Tpmi.ALG_HASH) int hashAlg) implements TpmuSymKeyBits {}
}
