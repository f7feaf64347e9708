package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import dev.jtpm.types.codec.Wire.U16;
import java.util.List;

/** TPML_ECC_CURVE (Part 2, 10.9.11). */
@Arm(TpmCap.ECC_CURVES)
public record TpmlEccCurve(@U16 List<Integer> eccCurves) implements TpmuCapabilities {}
