package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectorValue;
import dev.jtpm.types.codec.Wire.U16;

/** TPMU_KDF_SCHEME (Part 2, 11.2.3.2): the details of a key derivation function, selected by it. */
public sealed interface TpmuKdfScheme permits TpmuKdfScheme.Hash, TpmsEmpty {

    /**
     * TPMS_KDF_SCHEME_MGF1, _KDF1_SP800_56A, _KDF2, _KDF1_SP800_108: each a TPMS_SCHEME_HASH.
     *
     * @param scheme the KDF (the selector; not written again)
     * @param hashAlg its hash (TPMI_ALG_HASH)
     */
    @Arm({TpmAlg.MGF1, TpmAlg.KDF1_SP800_56A, TpmAlg.KDF2, TpmAlg.KDF1_SP800_108})
    record Hash(@SelectorValue int scheme, @U16 @Is(Tpmi.ALG_HASH) int hashAlg) implements TpmuKdfScheme {}
}
