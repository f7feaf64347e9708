package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;

/**
 * TPM2_PolicyDuplicationSelect (Part 3, 23.15): objectName and newParentName are TPM2B_NAME, includeObject
 * TPMI_YES_NO.
 */
@CommandCode(TpmCc.POLICY_DUPLICATION_SELECT)
public record PolicyDuplicationSelect(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                                      @Max(Limits.NAME_SIZE) Bytes objectName, @Max(Limits.NAME_SIZE) Bytes newParentName,
                                      boolean includeObject) implements TpmCommand<EmptyResponse> {}
