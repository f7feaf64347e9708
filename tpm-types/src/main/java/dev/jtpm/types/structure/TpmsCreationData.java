package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;

/**
 * TPMS_CREATION_DATA (Part 2, 15.1): the environment an object was created in, which
 * TPM2_CertifyCreation attests. TPM2B_CREATION_DATA (15.2) is a {@code @Sized TpmsCreationData}
 * component.
 *
 * @param pcrSelect the PCRs named by creationPCR
 * @param pcrDigest the digest of those PCRs (nameAlg of the object)
 * @param locality TPMA_LOCALITY of the command
 * @param parentNameAlg the nameAlg of the parent (TPM_ALG_ID; TPM_ALG_NULL for a primary)
 * @param parentName the Name of the parent (the hierarchy handle for a primary)
 * @param parentQualifiedName the Qualified Name of the parent
 * @param outsideInfo the caller's outsideInfo (TPM2B_DATA)
 */
public record TpmsCreationData(TpmlPcrSelection pcrSelect, @Max(Limits.MAX_DIGEST_SIZE) Bytes pcrDigest,
                               @U8 int locality, @U16 int parentNameAlg, @Max(Limits.NAME_SIZE) Bytes parentName,
                               @Max(Limits.NAME_SIZE) Bytes parentQualifiedName,
                               @Max(Limits.DATA_SIZE) Bytes outsideInfo) {}
