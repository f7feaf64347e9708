package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_CC for TPM_CAP_PP_COMMANDS: commands that need physical presence. */
@Arm(TpmCap.PP_COMMANDS)
public record TpmlPpCommands(List<Integer> commandCodes) implements TpmuCapabilities {}
