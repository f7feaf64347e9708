package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_CREATION_INFO (Part 2, 10.12.7): the {@code TPM_ST_ATTEST_CREATION} arm of TPMU_ATTEST.
 *
 * @param objectName the Name of the object
 * @param creationHash the digest of its TPMS_CREATION_DATA
 */
@Arm(TpmSt.ATTEST_CREATION)
public record TpmsCreationInfo(@Max(Limits.NAME_SIZE) Bytes objectName, @Max(Limits.MAX_DIGEST_SIZE) Bytes creationHash) implements TpmuAttest {}
