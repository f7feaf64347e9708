package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_CCA (Part 2, 10.9.2): TPMA_CC of each implemented command. */
@Arm(TpmCap.COMMANDS)
public record TpmlCca(List<Integer> commandAttributes) implements TpmuCapabilities {}
