package dev.jtpm.types.structure;

import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;

/**
 * TPMS_TIME_ATTEST_INFO (Part 2, 10.12.2): the {@code TPM_ST_ATTEST_TIME} arm of TPMU_ATTEST.
 *
 * @param time Time, Clock, resetCount, restartCount, safe
 * @param firmwareVersion the TPM vendor firmware version
 */
@Arm(TpmSt.ATTEST_TIME)
public record TpmsTimeAttestInfo(TpmsTimeInfo time, long firmwareVersion) implements TpmuAttest {}
