package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_ALG_PROPERTY (Part 2, 10.9.8). */
@Arm(TpmCap.ALGS)
public record TpmlAlgProperty(List<TpmsAlgProperty> algProperties) implements TpmuCapabilities {}
