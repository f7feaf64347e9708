package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.SelectorValue;
import dev.jtpm.types.codec.Wire.U16;

/** TPMU_SIGNATURE (Part 2, 11.3.3): a signature, selected by its scheme; TPM_ALG_NULL is {@link TpmsEmpty}. */
public sealed interface TpmuSignature permits TpmuSignature.Rsa, TpmuSignature.Ecc, TpmuSignature.Hmac, TpmsEmpty {

    /**
     * TPMS_SIGNATURE_RSA (Part 2, 11.3.1): TPMS_SIGNATURE_RSASSA and _RSAPSS.
     *
     * @param sigAlg the scheme (the selector; not written again)
     * @param hash the hash of the signed digest (TPMI_ALG_HASH)
     * @param sig the signature (TPM2B_PUBLIC_KEY_RSA)
     */
    @Arm({TpmAlg.RSASSA, TpmAlg.RSAPSS})
    record Rsa(@SelectorValue int sigAlg, @U16 @Is(Tpmi.ALG_HASH) int hash, @Max(Limits.MAX_RSA_KEY_BYTES) Bytes sig)
            implements TpmuSignature {}

    /**
     * TPMS_SIGNATURE_ECC (Part 2, 11.3.2): TPMS_SIGNATURE_ECDSA, _ECDAA, _SM2 and _ECSCHNORR.
     *
     * @param sigAlg the scheme (the selector; not written again)
     * @param hash the hash of the signed digest (TPMI_ALG_HASH)
     * @param signatureR r (TPM2B_ECC_PARAMETER)
     * @param signatureS s (TPM2B_ECC_PARAMETER)
     */
    @Arm({TpmAlg.ECDSA, TpmAlg.ECDAA, TpmAlg.SM2, TpmAlg.ECSCHNORR})
    record Ecc(@SelectorValue int sigAlg, @U16 @Is(Tpmi.ALG_HASH) int hash,
               @Max(Limits.MAX_ECC_KEY_BYTES) Bytes signatureR, @Max(Limits.MAX_ECC_KEY_BYTES) Bytes signatureS)
            implements TpmuSignature {}

    /** hmac: a TPMT_HA, the HMAC with its hash. */
    @Arm(TpmAlg.HMAC)
    record Hmac(TpmtHa hmac) implements TpmuSignature {}
}
