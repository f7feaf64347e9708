package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectorValue;
import dev.jtpm.types.codec.Wire.U16;

/** TPMU_SIG_SCHEME (Part 2, 11.2.1.4): the details of a signing scheme; TPM_ALG_NULL is {@link TpmsEmpty}. */
public sealed interface TpmuSigScheme permits TpmuSigScheme.Hash, TpmuSigScheme.Ecdaa, TpmsEmpty {

    /**
     * TPMS_SCHEME_HASH (Part 2, 11.1.17) as TPMS_SIG_SCHEME_RSASSA, _RSAPSS, _ECDSA, _SM2,
     * _ECSCHNORR, and TPMS_SCHEME_HMAC.
     *
     * @param scheme the scheme (the selector; not written again)
     * @param hashAlg the hash (TPMI_ALG_HASH)
     */
    @Arm({TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.ECDSA, TpmAlg.SM2, TpmAlg.ECSCHNORR, TpmAlg.HMAC})
    record Hash(@SelectorValue int scheme, @U16 @Is(Tpmi.ALG_HASH) int hashAlg) implements TpmuSigScheme {}

    /** TPMS_SCHEME_ECDAA (Part 2, 11.1.18): the hash and the commit count (TPMS_SIG_SCHEME_ECDAA). */
    @Arm(TpmAlg.ECDAA)
    record Ecdaa(@U16 @Is(Tpmi.ALG_HASH) int hashAlg, @U16 int count) implements TpmuSigScheme {}
}
