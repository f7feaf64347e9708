package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_CERTIFY_INFO (Part 2, 10.12.3): the {@code TPM_ST_ATTEST_CERTIFY} arm of TPMU_ATTEST.
 *
 * @param name the Name of the certified object
 * @param qualifiedName its Qualified Name
 */
@Arm(TpmSt.ATTEST_CERTIFY)
public record TpmsCertifyInfo(@Max(Limits.NAME_SIZE) Bytes name, @Max(Limits.NAME_SIZE) Bytes qualifiedName) implements TpmuAttest {}
