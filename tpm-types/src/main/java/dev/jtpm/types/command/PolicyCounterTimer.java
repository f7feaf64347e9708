package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.structure.Limits;

/**
 * TPM2_PolicyCounterTimer (Part 3, 23.10): operandB is TPM2B_OPERAND (a TPM2B_DIGEST), offset a UINT16 into
 * TPMS_TIME_INFO, operation a TPM_EO.
 */
@CommandCode(TpmCc.POLICY_COUNTER_TIMER)
public record PolicyCounterTimer(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                                 @Max(Limits.MAX_DIGEST_SIZE) Bytes operandB, @U16 int offset,
                                 @U16 @Is(Tpmi.EO) int operation) implements TpmCommand<EmptyResponse> {}
