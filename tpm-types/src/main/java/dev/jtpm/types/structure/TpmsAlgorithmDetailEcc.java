package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_ALGORITHM_DETAIL_ECC (Part 2, 11.2.5.3): the parameters of a curve, as TPM2_ECC_Parameters
 * returns them. Each number is a TPM2B_ECC_PARAMETER, big-endian.
 *
 * @param curveID TPM_ECC_CURVE
 * @param keySize the key size in bits
 * @param kdf the curve's KDF, or TPM_ALG_NULL
 * @param sign the curve's signing scheme, or TPM_ALG_NULL
 * @param p the prime modulus
 * @param a the coefficient a
 * @param b the coefficient b
 * @param gX the x coordinate of the base point
 * @param gY the y coordinate of the base point
 * @param n the order of the base point
 * @param h the cofactor
 */
public record TpmsAlgorithmDetailEcc(@U16 int curveID, @U16 int keySize, TpmtKdfScheme kdf, TpmtEccScheme sign,
                                     @Max(Limits.MAX_ECC_KEY_BYTES) Bytes p, @Max(Limits.MAX_ECC_KEY_BYTES) Bytes a,
                                     @Max(Limits.MAX_ECC_KEY_BYTES) Bytes b, @Max(Limits.MAX_ECC_KEY_BYTES) Bytes gX,
                                     @Max(Limits.MAX_ECC_KEY_BYTES) Bytes gY, @Max(Limits.MAX_ECC_KEY_BYTES) Bytes n,
                                     @Max(Limits.MAX_ECC_KEY_BYTES) Bytes h) {}
