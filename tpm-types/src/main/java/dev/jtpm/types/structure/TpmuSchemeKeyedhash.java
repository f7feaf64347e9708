package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMU_SCHEME_KEYEDHASH (Part 2, 11.1.22): the details of a keyed-hash scheme, selected by
 * TPMI_ALG_KEYEDHASH_SCHEME.
 */
public sealed interface TpmuSchemeKeyedhash permits TpmuSchemeKeyedhash.Hmac, TpmuSchemeKeyedhash.Xor, TpmsEmpty {

    /** TPMS_SCHEME_HMAC (Part 2, 11.1.20): the hash of the HMAC (TPMI_ALG_HASH). */
    @Arm(TpmAlg.HMAC)
    record Hmac(@U16 @Is(Tpmi.ALG_HASH) int hashAlg) implements TpmuSchemeKeyedhash {}

    /** TPMS_SCHEME_XOR (Part 2, 11.1.21): the hash (TPMI_ALG_HASH) and KDF (TPMI_ALG_KDF+) of XOR obfuscation. */
    @Arm(TpmAlg.XOR)
    record Xor(@U16 @Is(Tpmi.ALG_HASH) int hashAlg, @U16 @Is(Tpmi.ALG_KDF_OR_NULL) int kdf) implements TpmuSchemeKeyedhash {}
}
