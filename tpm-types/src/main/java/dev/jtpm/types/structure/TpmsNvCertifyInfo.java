package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_NV_CERTIFY_INFO (Part 2, 10.12.8): the {@code TPM_ST_ATTEST_NV} arm of TPMU_ATTEST.
 *
 * @param indexName the Name of the NV index
 * @param offset the offset of the certified data
 * @param nvContents the data (TPM2B_MAX_NV_BUFFER)
 */
@Arm(TpmSt.ATTEST_NV)
public record TpmsNvCertifyInfo(@Max(Limits.NAME_SIZE) Bytes indexName, @U16 int offset, @Max(Limits.MAX_DIGEST_BUFFER) Bytes nvContents) implements TpmuAttest {}
