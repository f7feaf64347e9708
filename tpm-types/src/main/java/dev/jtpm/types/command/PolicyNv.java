package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_PolicyNV (Part 3, 23.9): authHandle TPMI_RH_NV_AUTH (USER role), nvIndex, policySession TPMI_SH_POLICY;
 * operandB a TPM2B_OPERAND, offset UINT16, operation TPM_EO.
 */
@CommandCode(TpmCc.POLICY_NV)
public record PolicyNv(@Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                       @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                       @Handle @Is(Tpmi.SH_POLICY) int policySession,
                       @Max(Limits.MAX_DIGEST_SIZE) Bytes operandB, @U16 int offset,
                       @U16 @Is(Tpmi.EO) int operation) implements TpmCommand<EmptyResponse> {}
