package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_RSA_PARMS (Part 2, 12.2.3.5): the parameters of an RSA key.
 *
 * @param symmetric the cipher of a storage key, or TPM_ALG_NULL
 * @param scheme the signing or encryption scheme, or TPM_ALG_NULL
 * @param keyBits the modulus size (TPMI_RSA_KEY_BITS: TPM_RC_VALUE when not implemented)
 * @param exponent the public exponent; 0 means 2^16 + 1
 */
@Arm(TpmAlg.RSA)
public record TpmsRsaParms(TpmtSymDefObject symmetric, TpmtRsaScheme scheme, @U16 @Is(Tpmi.RSA_KEY_BITS) int keyBits,
                           int exponent) implements TpmuPublicParms {}
