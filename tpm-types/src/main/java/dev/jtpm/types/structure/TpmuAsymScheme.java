package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SelectorValue;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMU_ASYM_SCHEME (Part 2, 11.2.3.5): the details of an asymmetric scheme, selected by the
 * scheme. Which schemes may appear is decided by the TPMT holding it ({@link TpmtRsaScheme},
 * {@link TpmtEccScheme}).
 */
public sealed interface TpmuAsymScheme permits TpmuAsymScheme.Hash, TpmuAsymScheme.Ecdaa, TpmuAsymScheme.Rsaes,
        TpmsEmpty {

    /**
     * TPMS_SCHEME_HASH (Part 2, 11.1.17), which Part 2 uses for TPMS_SIG_SCHEME_RSASSA, _RSAPSS,
     * _ECDSA, _SM2, _ECSCHNORR, TPMS_ENC_SCHEME_OAEP and TPMS_KEY_SCHEME_ECDH, _ECMQV.
     *
     * @param scheme the scheme (the selector; not written again)
     * @param hashAlg the scheme's hash (TPMI_ALG_HASH)
     */
    @Arm({TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.OAEP, TpmAlg.ECDSA, TpmAlg.ECDH, TpmAlg.SM2, TpmAlg.ECSCHNORR,
            TpmAlg.ECMQV})
    record Hash(@SelectorValue int scheme, @U16 @Is(Tpmi.ALG_HASH) int hashAlg) implements TpmuAsymScheme {}

    /** TPMS_SCHEME_ECDAA (Part 2, 11.1.18): the hash and the commit count. */
    @Arm(TpmAlg.ECDAA)
    record Ecdaa(@U16 @Is(Tpmi.ALG_HASH) int hashAlg, @U16 int count) implements TpmuAsymScheme {}

    /** TPMS_ENC_SCHEME_RSAES: no details (no octets). */
    @Arm(TpmAlg.RSAES)
    record Rsaes() implements TpmuAsymScheme {}
}
