package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_NV_DIGEST_CERTIFY_INFO (Part 2, 10.12.9): the {@code TPM_ST_ATTEST_NV_DIGEST} arm of TPMU_ATTEST.
 *
 * @param indexName the Name of the NV index
 * @param nvDigest the digest of its whole contents
 */
@Arm(TpmSt.ATTEST_NV_DIGEST)
public record TpmsNvDigestCertifyInfo(@Max(Limits.NAME_SIZE) Bytes indexName, @Max(Limits.MAX_DIGEST_SIZE) Bytes nvDigest) implements TpmuAttest {}
