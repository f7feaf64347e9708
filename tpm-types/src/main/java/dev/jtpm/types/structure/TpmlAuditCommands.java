package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_CC for TPM_CAP_AUDIT_COMMANDS: commands being audited. */
@Arm(TpmCap.AUDIT_COMMANDS)
public record TpmlAuditCommands(List<Integer> commandCodes) implements TpmuCapabilities {}
