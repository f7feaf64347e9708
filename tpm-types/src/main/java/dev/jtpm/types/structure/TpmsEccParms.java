package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_ECC_PARMS (Part 2, 12.2.3.6): the parameters of an ECC key.
 *
 * @param symmetric the cipher of a storage key, or TPM_ALG_NULL
 * @param scheme the signing or key-exchange scheme, or TPM_ALG_NULL
 * @param curveID the curve (TPMI_ECC_CURVE: TPM_RC_CURVE when not implemented)
 * @param kdf the key derivation function, or TPM_ALG_NULL
 */
@Arm(TpmAlg.ECC)
public record TpmsEccParms(TpmtSymDefObject symmetric, TpmtEccScheme scheme, @U16 @Is(Tpmi.ECC_CURVE) int curveID,
                           TpmtKdfScheme kdf) implements TpmuPublicParms {}
