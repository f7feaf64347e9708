package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_COMMAND_AUDIT_INFO (Part 2, 10.12.5): the {@code TPM_ST_ATTEST_COMMAND_AUDIT} arm of TPMU_ATTEST.
 *
 * @param auditCounter the audit counter
 * @param digestAlg the hash of the audit digest (TPM_ALG_ID)
 * @param auditDigest the audit digest
 * @param commandDigest the digest of the audited command codes
 */
@Arm(TpmSt.ATTEST_COMMAND_AUDIT)
public record TpmsCommandAuditInfo(long auditCounter, @U16 int digestAlg, @Max(Limits.MAX_DIGEST_SIZE) Bytes auditDigest, @Max(Limits.MAX_DIGEST_SIZE) Bytes commandDigest) implements TpmuAttest {}
