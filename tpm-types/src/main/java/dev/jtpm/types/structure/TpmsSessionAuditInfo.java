package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_SESSION_AUDIT_INFO (Part 2, 10.12.6): the {@code TPM_ST_ATTEST_SESSION_AUDIT} arm of TPMU_ATTEST.
 *
 * @param exclusiveSession true if every command of the session was the exclusive audit session
 * @param sessionDigest the session audit digest
 */
@Arm(TpmSt.ATTEST_SESSION_AUDIT)
public record TpmsSessionAuditInfo(boolean exclusiveSession, @Max(Limits.MAX_DIGEST_SIZE) Bytes sessionDigest) implements TpmuAttest {}
